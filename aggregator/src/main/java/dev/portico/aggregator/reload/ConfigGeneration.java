package dev.portico.aggregator.reload;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which configuration a Portico runs with, and how its reloads ended: what {@code /readyz} shows, and what a gauge
 * and a counter can read.
 *
 * <p>The generation is {@value #FIRST} at startup and moves on by one for each reload that changed the running config
 * (an {@link ReloadOutcome#APPLIED} one); a reload that was rejected or changed nothing keeps it. Safe for concurrent
 * use.
 */
public final class ConfigGeneration {

    /** The generation of the config Portico starts with. */
    public static final long FIRST = 1;

    private final AtomicLong current = new AtomicLong(FIRST);
    private final Map<ReloadOutcome, AtomicLong> reloads = new EnumMap<>(ReloadOutcome.class);

    public ConfigGeneration() {
        for (ReloadOutcome outcome : ReloadOutcome.values()) {
            reloads.put(outcome, new AtomicLong());
        }
    }

    /** The generation of the config running now. */
    public long current() {
        return current.get();
    }

    /** How many reloads ended with {@code outcome} since Portico started. */
    public long reloads(ReloadOutcome outcome) {
        return reloads.get(outcome).get();
    }

    /**
     * Counts a reload that ended with {@code outcome}; an {@link ReloadOutcome#APPLIED} one starts the next
     * generation. Called by whoever applied or rejected the config, once per reload.
     *
     * @return the generation running now
     */
    public long record(ReloadOutcome outcome) {
        reloads.get(outcome).incrementAndGet();
        return outcome == ReloadOutcome.APPLIED ? current.incrementAndGet() : current.get();
    }
}
