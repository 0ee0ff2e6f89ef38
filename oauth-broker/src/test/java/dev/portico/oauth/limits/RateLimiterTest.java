package dev.portico.oauth.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.oauth.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));

    @Test
    void whenAMinutesWorthIsSpentThenTheNextIsRefusedWithTheWaitForOnePermit() {
        RateLimiter limiter = new RateLimiter(6, clock, 100);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.tryAcquire("a")).as("request %d", i).isEmpty();
        }

        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(10));
    }

    @Test
    void whenTheWaitHasPassedThenOneMoreIsAllowed() {
        RateLimiter limiter = new RateLimiter(6, clock, 100);
        for (int i = 0; i < 6; i++) {
            limiter.tryAcquire("a");
        }
        clock.advance(Duration.ofSeconds(4));
        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(6));

        clock.advance(Duration.ofSeconds(6));

        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isPresent();
    }

    @Test
    void whenOneKeyIsLimitedThenOtherKeysAreNot() {
        RateLimiter limiter = new RateLimiter(1, clock, 100);
        limiter.tryAcquire("a");

        assertThat(limiter.tryAcquire("a")).isPresent();
        assertThat(limiter.tryAcquire("b")).isEmpty();
    }

    @Test
    void whenTheWaitIsUnderASecondThenRetryAfterSaysOneSecond() {
        RateLimiter limiter = new RateLimiter(100_000, clock, 100);
        for (int i = 0; i < 100_000; i++) {
            limiter.tryAcquire("a");
        }

        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(1));
    }

    @Test
    void whenTheRateIsZeroThenNothingIsLimited() {
        RateLimiter limiter = new RateLimiter(0, clock, 100);

        for (int i = 0; i < 1_000; i++) {
            assertThat(limiter.tryAcquire("a")).isEqualTo(Optional.empty());
        }
    }
}
