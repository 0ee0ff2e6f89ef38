package dev.portico.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Capped exponential backoff for reconnecting to an upstream that is down: the first retry waits {@code
 * initialDelay}, each further one twice as long, never more than {@code maxDelay}.
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay) {

    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(60));

    public ReconnectPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must not be shorter than initialDelay");
        }
    }

    /** The delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delayBefore(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt starts at 1: " + attempt);
        }
        int doublings = Math.min(attempt - 1, 30);
        long millis = initialDelay.toMillis() << doublings;
        return millis <= 0 || millis > maxDelay.toMillis() ? maxDelay : Duration.ofMillis(millis);
    }
}
