package dev.portico.oauth.limits;

import dev.portico.config.LimitsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * The rate limits on sign-ins ({@code limits} in the config): how many a downstream session may start, and how often
 * one client address may open start links and reach the callback. Each answer is empty when the request may go on,
 * or the time after which to retry.
 *
 * <p>Keys are opaque: the owner key the broker already uses for a session, and the client address as {@link
 * ClientAddresses} found it. Safe for concurrent use.
 */
public final class SignInRateLimits {

    /** How many sessions or addresses are tracked per limit; beyond it the least recently used is forgotten. */
    static final int MAX_KEYS = 100_000;

    private final RateLimiter startsPerSession;
    private final RateLimiter startLinksPerClient;
    private final RateLimiter callbacksPerClient;

    public SignInRateLimits(LimitsConfig limits, Clock clock) {
        this.startsPerSession = new RateLimiter(limits.signInStartsPerMinutePerSession(), clock, MAX_KEYS);
        this.startLinksPerClient = new RateLimiter(limits.signInStartsPerMinutePerClientIp(), clock, MAX_KEYS);
        this.callbacksPerClient = new RateLimiter(limits.callbacksPerMinutePerClientIp(), clock, MAX_KEYS);
    }

    /** {@code owner} is about to be handed a new sign-in link. */
    public Optional<Duration> signInStart(String owner) {
        return startsPerSession.tryAcquire(owner);
    }

    /** A browser at {@code clientAddress} opens a start link. */
    public Optional<Duration> startLink(String clientAddress) {
        return startLinksPerClient.tryAcquire(clientAddress);
    }

    /** A browser at {@code clientAddress} reaches the callback. */
    public Optional<Duration> callback(String clientAddress) {
        return callbacksPerClient.tryAcquire(clientAddress);
    }
}
