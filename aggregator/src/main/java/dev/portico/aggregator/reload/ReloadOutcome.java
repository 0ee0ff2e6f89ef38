package dev.portico.aggregator.reload;

import java.util.Locale;

/** How one reload of the config file ended. */
public enum ReloadOutcome {
    /** The file was valid and changed the upstreams: applied, and the config generation moved on. */
    APPLIED,
    /** The file was valid but changed no upstream: nothing to apply. Keys that need a restart are logged. */
    UNCHANGED,
    /** The file could not be read or is not valid: every problem is logged, and the running config stays. */
    REJECTED;

    /** The outcome as a lower-case word, for log lines and a metric label ({@code applied}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
