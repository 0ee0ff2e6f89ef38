package dev.portico.aggregator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, so that Portico sees a token expire without the test waiting. (oauth-broker's
 * tests have the same one, but test classes do not cross modules.)
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    /** Starts at the current time, so that tokens issued by a real identity provider look fresh. */
    public MutableClock() {
        this.now = new AtomicReference<>(Instant.now());
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
