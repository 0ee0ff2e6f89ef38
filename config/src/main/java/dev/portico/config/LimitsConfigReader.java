package dev.portico.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads {@code limits}: rate limits, caps on held state, request size and connection timeouts. */
final class LimitsConfigReader {

    static final List<String> KEYS = List.of(
            "signInStartsPerMinutePerSession",
            "signInStartsPerMinutePerClientIp",
            "callbacksPerMinutePerClientIp",
            "maxPendingSignInsPerSession",
            "maxPendingSignIns",
            "maxTokenSetsPerSession",
            "maxTokenSets",
            "maxRequestBytes",
            "maxRequestHeaderBytes",
            "idleTimeout",
            "trustedProxies");

    /** More per minute than this is no limit at all; a typo rather than a choice. */
    static final int MAX_RATE = 100_000;

    static final int MIN_REQUEST_BYTES = 1024;
    /** The body is buffered in memory before it is parsed. */
    static final int MAX_REQUEST_BYTES = 256 * 1024 * 1024;

    static final int MIN_REQUEST_HEADER_BYTES = 1024;
    static final int MAX_REQUEST_HEADER_BYTES = 1024 * 1024;

    /**
     * Event streams (the legacy SSE stream, the streamable GET stream) send a keep-alive every 30 seconds and nothing
     * else while idle; an idle timeout no longer than that would close them between two keep-alives.
     */
    static final Duration STREAM_KEEP_ALIVE = Duration.ofSeconds(30);

    static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(1);

    private final MappingReader limits;
    private final Problems problems;

    private LimitsConfigReader(MappingReader limits, Problems problems) {
        this.limits = limits;
        this.problems = problems;
    }

    /** The limits, {@link LimitsConfig#defaults()} when the section is absent, or null on problems. */
    static LimitsConfig read(MappingReader root, Problems problems) {
        if (!root.has("limits")) {
            return LimitsConfig.defaults();
        }
        return root.mapping("limits", "limits: {signInStartsPerMinutePerSession: 30, maxRequestBytes: 4194304}")
                .map(limits -> new LimitsConfigReader(limits, problems).read())
                .orElse(null);
    }

    private LimitsConfig read() {
        int before = problems.count();
        limits.allowOnly(KEYS);
        int startsPerSession =
                rate("signInStartsPerMinutePerSession", LimitsConfig.DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_SESSION);
        int startsPerClient =
                rate("signInStartsPerMinutePerClientIp", LimitsConfig.DEFAULT_SIGN_IN_STARTS_PER_MINUTE_PER_CLIENT_IP);
        int callbacksPerClient =
                rate("callbacksPerMinutePerClientIp", LimitsConfig.DEFAULT_CALLBACKS_PER_MINUTE_PER_CLIENT_IP);
        int pendingPerSession =
                count("maxPendingSignInsPerSession", LimitsConfig.DEFAULT_MAX_PENDING_SIGN_INS_PER_SESSION, 1, 10_000);
        int pending = count("maxPendingSignIns", LimitsConfig.DEFAULT_MAX_PENDING_SIGN_INS, 1, 10_000_000);
        notAbove("maxPendingSignInsPerSession", pendingPerSession, "maxPendingSignIns", pending);
        int tokenSetsPerSession =
                count("maxTokenSetsPerSession", LimitsConfig.DEFAULT_MAX_TOKEN_SETS_PER_SESSION, 1, 10_000);
        int tokenSets = count("maxTokenSets", LimitsConfig.DEFAULT_MAX_TOKEN_SETS, 1, 100_000_000);
        notAbove("maxTokenSetsPerSession", tokenSetsPerSession, "maxTokenSets", tokenSets);
        int requestBytes =
                count("maxRequestBytes", LimitsConfig.DEFAULT_MAX_REQUEST_BYTES, MIN_REQUEST_BYTES, MAX_REQUEST_BYTES);
        int headerBytes = count(
                "maxRequestHeaderBytes",
                LimitsConfig.DEFAULT_MAX_REQUEST_HEADER_BYTES,
                MIN_REQUEST_HEADER_BYTES,
                MAX_REQUEST_HEADER_BYTES);
        Duration idleTimeout = idleTimeout();
        List<String> trustedProxies = limits.cidrBlocks("trustedProxies", "trustedProxies: [10.0.0.0/8, \"fd00::/8\"]");
        if (problems.count() != before) {
            return null;
        }
        return new LimitsConfig(
                startsPerSession,
                startsPerClient,
                callbacksPerClient,
                pendingPerSession,
                pending,
                tokenSetsPerSession,
                tokenSets,
                requestBytes,
                headerBytes,
                idleTimeout,
                trustedProxies);
    }

    private int rate(String key, int defaultValue) {
        Optional<Long> rate = limits.wholeNumber(key, key + ": " + defaultValue);
        if (rate.isPresent() && (rate.get() < 0 || rate.get() > MAX_RATE)) {
            limits.problem(
                    key,
                    key + " " + rate.get() + " is out of range",
                    "use 1 to " + MAX_RATE + " per minute, e.g. " + key + ": " + defaultValue
                            + "; 0 turns the limit off");
            return defaultValue;
        }
        return rate.map(Long::intValue).orElse(defaultValue);
    }

    private int count(String key, int defaultValue, int min, int max) {
        Optional<Long> count = limits.wholeNumber(key, key + ": " + defaultValue);
        if (count.isPresent() && (count.get() < min || count.get() > max)) {
            limits.problem(
                    key,
                    key + " " + count.get() + " is out of range",
                    "use " + min + " to " + max + ", e.g. " + key + ": " + defaultValue);
            return defaultValue;
        }
        return count.map(Long::intValue).orElse(defaultValue);
    }

    /** A per-session cap above the total could never be reached: the total cap always strikes first. */
    private void notAbove(String perSessionKey, int perSession, String totalKey, int total) {
        if (perSession > total) {
            limits.problem(
                    perSessionKey,
                    perSessionKey + " " + perSession + " is larger than " + totalKey + " " + total,
                    "lower " + perSessionKey + " or raise " + totalKey + ": one session cannot hold more than all");
        }
    }

    private Duration idleTimeout() {
        String key = "idleTimeout";
        Duration timeout = limits.duration(key).orElse(LimitsConfig.DEFAULT_IDLE_TIMEOUT);
        if (timeout.compareTo(STREAM_KEEP_ALIVE) <= 0) {
            limits.problem(
                    key,
                    key + " " + Durations.format(timeout) + " is not longer than " + Durations.format(STREAM_KEEP_ALIVE)
                            + ", the interval of keep-alives on event streams",
                    "use more than " + Durations.format(STREAM_KEEP_ALIVE) + ", e.g. " + key + ": "
                            + Durations.format(LimitsConfig.DEFAULT_IDLE_TIMEOUT)
                            + "; a shorter one would close idle streams between two keep-alives");
            return LimitsConfig.DEFAULT_IDLE_TIMEOUT;
        }
        if (timeout.compareTo(MAX_IDLE_TIMEOUT) > 0) {
            limits.problem(
                    key,
                    key + " " + Durations.format(timeout) + " is longer than the maximum of "
                            + Durations.format(MAX_IDLE_TIMEOUT),
                    "use at most " + Durations.format(MAX_IDLE_TIMEOUT) + ", e.g. " + key + ": "
                            + Durations.format(LimitsConfig.DEFAULT_IDLE_TIMEOUT));
            return LimitsConfig.DEFAULT_IDLE_TIMEOUT;
        }
        return timeout;
    }
}
