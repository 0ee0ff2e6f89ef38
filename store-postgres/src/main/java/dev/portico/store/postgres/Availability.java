package dev.portico.store.postgres;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A probe's last answer, asked again once it is older than {@code maxAge}: {@code /readyz} may be polled often, and
 * each ping costs a connection. Callers that arrive during a probe wait for its answer rather than ping too.
 */
final class Availability {

    private final BooleanSupplier probe;
    private final long maxAgeNanos;
    private final Object lock = new Object();
    private volatile long checkedAt;
    private volatile boolean available;
    private volatile boolean everChecked;

    Availability(BooleanSupplier probe, Duration maxAge) {
        this.probe = probe;
        this.maxAgeNanos = maxAge.toNanos();
    }

    boolean get() {
        long now = System.nanoTime();
        if (everChecked && now - checkedAt < maxAgeNanos) {
            return available;
        }
        synchronized (lock) {
            if (everChecked && System.nanoTime() - checkedAt < maxAgeNanos) {
                return available;
            }
            available = probe.getAsBoolean();
            checkedAt = System.nanoTime();
            everChecked = true;
            return available;
        }
    }
}
