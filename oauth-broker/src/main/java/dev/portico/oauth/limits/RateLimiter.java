package dev.portico.oauth.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One rate limit applied per key (a session, a client address): a Bucket4j token bucket per key that holds a minute's
 * worth of permits and refills them evenly over the minute, so a burst of the whole rate is allowed and then one
 * permit every {@code 60 s / rate}.
 *
 * <p>The buckets live in a Caffeine cache bounded in size and dropped after {@link #IDLE_KEY_EXPIRY} without use (by
 * then a bucket is full again, so forgetting it changes nothing); a flood of distinct keys can therefore not exhaust
 * memory, at worst it pushes out other keys' buckets early, which refills them. A rate of 0 is no limit.
 *
 * <p>Safe for concurrent use.
 */
public final class RateLimiter {

    /** Longer than a bucket takes to refill completely. */
    public static final Duration IDLE_KEY_EXPIRY = Duration.ofMinutes(2);

    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final int perMinute;
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets;

    /**
     * @param perMinute permits per key per minute; 0 turns the limit off
     * @param clock the time the buckets refill by; tests move it
     * @param maxKeys the most keys tracked at once
     */
    public RateLimiter(int perMinute, Clock clock, int maxKeys) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must not be negative: " + perMinute);
        }
        this.perMinute = perMinute;
        this.time = new ClockTime(Objects.requireNonNull(clock, "clock"));
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(IDLE_KEY_EXPIRY)
                .build();
    }

    /**
     * Takes one permit for {@code key}.
     *
     * @return empty when the permit was granted; otherwise how long until the next one, rounded up to whole seconds
     *     (at least one), as {@code Retry-After} wants it (RFC 9110 §10.2.3)
     */
    public Optional<Duration> tryAcquire(String key) {
        if (perMinute == 0) {
            return Optional.empty();
        }
        ConsumptionProbe probe = buckets.get(key, k -> newBucket()).tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return Optional.empty();
        }
        long seconds = Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
        return Optional.of(Duration.ofSeconds(seconds));
    }

    public int perMinute() {
        return perMinute;
    }

    private Bucket newBucket() {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(perMinute).refillGreedy(perMinute, PERIOD))
                .withCustomTimePrecision(time)
                .build();
    }

    @Override
    public String toString() {
        return "RateLimiter[" + perMinute + "/min, keys=" + buckets.estimatedSize() + "]";
    }

    /** The buckets' time from the broker's clock, so that tests can move it. */
    private record ClockTime(Clock clock) implements TimeMeter {
        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
