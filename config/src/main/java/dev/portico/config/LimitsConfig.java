package dev.portico.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Abuse limits ({@code limits}): how fast sign-ins may be started and finished, how much sign-in and token state
 * may pile up, and how much a client may send or how long it may stall on the downstream listener.
 *
 * <p>Rates are per minute, as token buckets: a full bucket allows a burst of the whole minute's worth at once, then
 * refills evenly. A rate of {@code 0} turns that limit off.
 *
 * @param signInStartsPerMinutePerSession sign-ins one downstream session may start (challenges it is handed)
 * @param signInStartsPerMinutePerClientIp requests to {@code /oauth/start/<id>} from one client address
 * @param callbacksPerMinutePerClientIp requests to the OAuth callback from one client address
 * @param maxPendingSignInsPerSession started, unfinished sign-ins kept per session; beyond it the oldest is dropped
 * @param maxPendingSignIns started, unfinished sign-ins kept in total; beyond it the oldest is dropped
 * @param maxTokenSetsPerSession token sets kept per session; beyond it the least recently stored is dropped
 * @param maxTokenSets token sets kept in total; beyond it the least recently stored is dropped
 * @param maxRequestBytes the largest body a client may POST to {@code /mcp}, {@code /message} or {@code /sse}
 * @param maxRequestHeaderBytes the largest request line plus headers the listener reads; larger gets 431
 * @param idleTimeout how long a connection may go without a byte in either direction before the listener closes it,
 *     also while a request's headers are only half sent
 * @param trustedProxies CIDR blocks of reverse proxies whose {@code X-Forwarded-For} names the client address;
 *     empty (the default) means the client address is always the connection's peer
 */
public record LimitsConfig(
        int signInStartsPerMinutePerSession,
        int signInStartsPerMinutePerClientIp,
        int callbacksPerMinutePerClientIp,
        int maxPendingSignInsPerSession,
        int maxPendingSignIns,
        int maxTokenSetsPerSession,
        int maxTokenSets,
        int maxRequestBytes,
        int maxRequestHeaderBytes,
        Duration idleTimeout,
        List<String> trustedProxies) {

    /**
     * A new session starts one sign-in at once for each protected upstream that refuses its connection, so this must
     * exceed the number of such upstreams; 30 does for any deployment seen so far and still stops a loop.
     */
    public static final int DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_SESSION = 30;

    public static final int DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_CLIENT_IP = 60;
    public static final int DEFAULT_CALLBACKS_PER_MINUTE_PER_CLIENT_IP = 60;
    public static final int DEFAULT_MAX_PENDING_SIGN_INS_PER_SESSION = 50;
    public static final int DEFAULT_MAX_PENDING_SIGN_INS = 10_000;
    public static final int DEFAULT_MAX_TOKEN_SETS_PER_SESSION = 64;
    public static final int DEFAULT_MAX_TOKEN_SETS = 100_000;
    public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    /** Jetty's own default. */
    public static final int DEFAULT_MAX_REQUEST_HEADER_BYTES = 8 * 1024;

    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public LimitsConfig {
        requireAtLeast(signInStartsPerMinutePerSession, 0, "signInStartsPerMinutePerSession");
        requireAtLeast(signInStartsPerMinutePerClientIp, 0, "signInStartsPerMinutePerClientIp");
        requireAtLeast(callbacksPerMinutePerClientIp, 0, "callbacksPerMinutePerClientIp");
        requireAtLeast(maxPendingSignInsPerSession, 1, "maxPendingSignInsPerSession");
        requireAtLeast(maxPendingSignIns, 1, "maxPendingSignIns");
        requireAtLeast(maxTokenSetsPerSession, 1, "maxTokenSetsPerSession");
        requireAtLeast(maxTokenSets, 1, "maxTokenSets");
        requireAtLeast(maxRequestBytes, 1, "maxRequestBytes");
        requireAtLeast(maxRequestHeaderBytes, 1, "maxRequestHeaderBytes");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive: " + idleTimeout);
        }
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Sane for a team behind one network address; see docs/configuration.md. */
    public static LimitsConfig defaults() {
        return new LimitsConfig(
                DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_SESSION,
                DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_CLIENT_IP,
                DEFAULT_CALLBACKS_PER_MINUTE_PER_CLIENT_IP,
                DEFAULT_MAX_PENDING_SIGN_INS_PER_SESSION,
                DEFAULT_MAX_PENDING_SIGN_INS,
                DEFAULT_MAX_TOKEN_SETS_PER_SESSION,
                DEFAULT_MAX_TOKEN_SETS,
                DEFAULT_MAX_REQUEST_BYTES,
                DEFAULT_MAX_REQUEST_HEADER_BYTES,
                DEFAULT_IDLE_TIMEOUT,
                List.of());
    }

    /**
     * The trusted proxies, parsed.
     *
     * @throws IllegalArgumentException if an entry is not CIDR notation, which {@link ConfigLoader} has already ruled
     *     out for configs it loads
     */
    public List<CidrBlock> trustedProxyBlocks() {
        return trustedProxies.stream().map(CidrBlock::parse).toList();
    }

    public LimitsConfig withSignInRates(int perSession, int perClientIp, int callbacksPerClientIp) {
        return new LimitsConfig(
                perSession,
                perClientIp,
                callbacksPerClientIp,
                maxPendingSignInsPerSession,
                maxPendingSignIns,
                maxTokenSetsPerSession,
                maxTokenSets,
                maxRequestBytes,
                maxRequestHeaderBytes,
                idleTimeout,
                trustedProxies);
    }

    public LimitsConfig withCaps(int pendingPerSession, int pending, int tokenSetsPerSession, int tokenSets) {
        return new LimitsConfig(
                signInStartsPerMinutePerSession,
                signInStartsPerMinutePerClientIp,
                callbacksPerMinutePerClientIp,
                pendingPerSession,
                pending,
                tokenSetsPerSession,
                tokenSets,
                maxRequestBytes,
                maxRequestHeaderBytes,
                idleTimeout,
                trustedProxies);
    }

    public LimitsConfig withListener(int requestBytes, int requestHeaderBytes, Duration newIdleTimeout) {
        return new LimitsConfig(
                signInStartsPerMinutePerSession,
                signInStartsPerMinutePerClientIp,
                callbacksPerMinutePerClientIp,
                maxPendingSignInsPerSession,
                maxPendingSignIns,
                maxTokenSetsPerSession,
                maxTokenSets,
                requestBytes,
                requestHeaderBytes,
                newIdleTimeout,
                trustedProxies);
    }

    private static void requireAtLeast(int value, int minimum, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ": " + value);
        }
    }
}
