package dev.portico.aggregator.metrics;

import dev.portico.aggregator.reload.ConfigGeneration;
import dev.portico.aggregator.reload.ReloadOutcome;
import dev.portico.aggregator.session.GatewaySession;
import dev.portico.aggregator.session.SessionUpstream;
import dev.portico.aggregator.session.UpstreamObserver;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditListener;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.transport.downstream.DownstreamTransportKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Portico's meters, and the registry that serves them as Prometheus text at {@code /metrics}. docs/operations.md
 * ("Metrics") lists every name, type and label.
 *
 * <p>Every label value comes from a bounded set: an upstream's configured name, a transport, an event kind, an
 * outcome, a store name, or an authorization server error code from a fixed list (anything else counts as {@code
 * other}). No label ever carries a session id, a user, a tool argument or a token.
 *
 * <p>The meters of each configured upstream are created up front (latency histograms at their outcome's first
 * call), so that a call costs a map lookup, two clock reads and two increments. Safe for concurrent use. {@link #off()} counts nothing, for stdio mode and {@code
 * metrics.enabled: false}.
 */
public final class PorticoMetrics implements AuditListener, UpstreamObserver, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PorticoMetrics.class);

    /**
     * Bucket bounds of the tool call latency histogram: from a local tool's milliseconds to a long-running tool's
     * minute. A fixed handful keeps the series per upstream and outcome few.
     */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60)
    };

    /**
     * The error codes {@code portico_auth_failures_total} names; any other counts as {@value #OTHER_ERROR}, because an
     * authorization server, or a browser at the callback, may send any string. OAuth 2.0 (RFC 6749 §4.1.2.1, §5.2),
     * OpenID Connect Core §3.1.2.6, dynamic registration (RFC 7591 §3.2.2), token exchange (RFC 8693 §2.2.2),
     * revocation (RFC 7009 §2.2.1), and Portico's own codes (docs/oauth.md, "Audit log").
     */
    static final Set<String> KNOWN_ERRORS = Set.of(
            "invalid_request",
            "unauthorized_client",
            "access_denied",
            "unsupported_response_type",
            "invalid_scope",
            "server_error",
            "temporarily_unavailable",
            "invalid_client",
            "invalid_grant",
            "unsupported_grant_type",
            "interaction_required",
            "login_required",
            "account_selection_required",
            "consent_required",
            "invalid_redirect_uri",
            "invalid_client_metadata",
            "invalid_target",
            "unsupported_token_type",
            "unreachable",
            "malformed_response",
            "error_response",
            "missing_state",
            "unknown_state",
            "expired_state",
            "browser_mismatch",
            "iss_mismatch",
            "iss_missing",
            "missing_code",
            "internal_error",
            "no_refresh_token",
            "step_up_limit");

    static final String OTHER_ERROR = "other";

    /** The {@code store} label of the gateway's own session table. */
    public static final String SESSIONS_STORE = "sessions";

    /** How long a store's count is reused: a database store counts with a query, which a scrape need not repeat. */
    static final Duration STORE_COUNT_TTL = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final Map<String, UpstreamMeters> upstreams = new ConcurrentHashMap<>();
    private final Map<AuditEvent, Counter> authOk = new EnumMap<>(AuditEvent.class);
    private final Map<AuditEvent, Counter> authFailed = new EnumMap<>(AuditEvent.class);
    private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> evictions = new ConcurrentHashMap<>();
    private JvmGcMetrics gc;

    private PorticoMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, Collection<String> upstreams) {
        this.registry = registry;
        this.prometheus = prometheus;
        upstreams.forEach(name -> this.upstreams.put(name, new UpstreamMeters(registry, name)));
        for (AuditEvent event : AuditEvent.values()) {
            authOk.put(event, authEvents(event, "ok"));
            authFailed.put(event, authEvents(event, "failed"));
        }
        KNOWN_ERRORS.forEach(this::authFailures);
        authFailures(OTHER_ERROR);
    }

    /**
     * Meters for the upstreams named {@code upstreams}, served by {@link #scrape()}, with the JVM's memory, garbage
     * collection, threads, class loading, processor and uptime meters.
     */
    public static PorticoMetrics prometheus(Collection<String> upstreams) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PorticoMetrics metrics = new PorticoMetrics(prometheus, prometheus, upstreams);
        new ClassLoaderMetrics().bindTo(prometheus);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        metrics.gc = new JvmGcMetrics();
        metrics.gc.bindTo(prometheus);
        return metrics;
    }

    /** Meters that count nothing and cost next to nothing: a registry-less composite hands out no-op meters. */
    public static PorticoMetrics off() {
        return new PorticoMetrics(new CompositeMeterRegistry(), null, List.of());
    }

    /**
     * Adds meters for the upstreams of {@code names} that have none yet: a live config reload may add upstreams.
     * Those it removed keep their series, which stop moving; a restart drops them.
     */
    public void measureUpstreams(Collection<String> names) {
        names.forEach(name -> upstreams.computeIfAbsent(name, n -> new UpstreamMeters(registry, n)));
    }

    /**
     * The running config's generation ({@code portico_config_generation}) and the reloads of the config file by
     * outcome ({@code portico_config_reloads_total}), read from {@code generation} at each scrape.
     */
    public void watchConfig(ConfigGeneration generation) {
        Gauge.builder("portico.config.generation", generation, ConfigGeneration::current)
                .description("Generation of the running config: 1 at startup, one more for each applied reload")
                .register(registry);
        for (ReloadOutcome outcome : ReloadOutcome.values()) {
            FunctionCounter.builder("portico.config.reloads", generation, g -> g.reloads(outcome))
                    .description("Reloads of the config file by outcome")
                    .tag("outcome", outcome.label())
                    .register(registry);
        }
    }

    /** Whether {@link #scrape()} has anything to serve. */
    public boolean served() {
        return prometheus != null;
    }

    /** Every meter in the Prometheus text exposition format. */
    public String scrape() {
        if (prometheus == null) {
            throw new IllegalStateException("metrics are off");
        }
        return prometheus.scrape();
    }

    /**
     * {@code call}, a tool call forwarded to {@code upstream}, timed from subscription to its end and counted by
     * outcome. The answer itself passes through untouched; it is counted before it travels on, so a scrape after the
     * client has its answer sees it.
     */
    public Mono<McpSchema.CallToolResult> toolCall(String upstream, Mono<McpSchema.CallToolResult> call) {
        UpstreamMeters meters = upstreams.get(upstream);
        if (meters == null) {
            return call;
        }
        return Mono.defer(() -> {
            long started = System.nanoTime();
            // Completing empty is how a forwarded call reports that it was cancelled (by the client or a stop).
            return call.doOnSuccess(result -> meters.toolCall(
                            result == null ? ToolCallOutcome.CANCELLED : ToolCallOutcome.of(result), started))
                    .doOnError(e -> meters.toolCall(ToolCallOutcome.of(e), started))
                    .doOnCancel(() -> meters.toolCall(ToolCallOutcome.CANCELLED, started));
        });
    }

    @Override
    public void answered(String upstream, boolean answers) {
        UpstreamMeters meters = upstreams.get(upstream);
        if (meters != null) {
            meters.up.set(answers ? 1 : 0);
        }
    }

    @Override
    public void reconnecting(String upstream) {
        UpstreamMeters meters = upstreams.get(upstream);
        if (meters != null) {
            meters.reconnects.increment();
        }
    }

    @Override
    public void recorded(AuditRecord record) {
        (record.ok() ? authOk : authFailed).get(record.event()).increment();
        if (!record.ok()) {
            String error = record.error().filter(KNOWN_ERRORS::contains).orElse(OTHER_ERROR);
            authFailures.get(error).increment();
        }
    }

    /**
     * An entry was dropped from {@code store} to make room ({@code tokens}, {@code sign_ins}, ...): counts {@code
     * portico_store_evictions_total}. Store names come from code, never from input.
     */
    public void evicted(String store) {
        evictions(store).increment();
    }

    /**
     * The stores' hook for what {@code limits}' caps dropped: counts it under the store's name, written as a
     * Prometheus label value ({@code sign-ins} becomes {@code sign_ins}).
     */
    public EvictionListener evictions() {
        return (store, reason, count) -> evictions(store.replace('-', '_')).increment(count);
    }

    private Counter evictions(String store) {
        return evictions.computeIfAbsent(store, name -> Counter.builder("portico.store.evictions")
                .description("Entries dropped from a store to stay within its bounds, oldest first")
                .tag("store", name)
                .register(registry));
    }

    /**
     * Counts the connected sessions by transport ({@code portico_downstream_sessions}), as {@code store="sessions"}
     * entries, and their connections to each upstream by state ({@code portico_upstream_connections}); all counted
     * at each scrape from {@code sessions}.
     */
    public void countSessions(Supplier<Collection<GatewaySession>> sessions) {
        for (DownstreamTransportKind kind : DownstreamTransportKind.values()) {
            Gauge.builder("portico.downstream.sessions", sessions, s -> s.get().stream()
                            .filter(session -> session.downstream().kind() == kind)
                            .count())
                    .description("Downstream MCP sessions now open")
                    .tag("transport", kind.label())
                    .strongReference(true)
                    .register(registry);
        }
        storeEntries(SESSIONS_STORE, () -> sessions.get().size());
        for (String upstream : upstreams.keySet()) {
            for (SessionUpstream.State state : List.of(
                    SessionUpstream.State.CONNECTING,
                    SessionUpstream.State.READY,
                    SessionUpstream.State.DOWN,
                    SessionUpstream.State.AUTH_REQUIRED)) {
                Gauge.builder("portico.upstream.connections", sessions, s -> s.get().stream()
                                .flatMap(session -> session.upstream(upstream).stream())
                                .filter(connection -> connection.state() == state)
                                .count())
                        .description("Sessions' connections to an upstream, by state")
                        .tags("upstream", upstream, "state", state.name().toLowerCase(Locale.ROOT))
                        .strongReference(true)
                        .register(registry);
            }
        }
    }

    /**
     * Counts the entries of each store in {@code stores}, by name, reusing a count for {@link #STORE_COUNT_TTL}; and
     * shows their evictions from zero on.
     */
    public void countStores(Map<String, EntryCount> stores) {
        stores.forEach((name, store) -> {
            storeEntries(name, new CachedCount(store));
            evictions(name);
        });
    }

    private void storeEntries(String store, EntryCount count) {
        Gauge.builder("portico.store.entries", count, PorticoMetrics::entries)
                .description("Entries a store holds; NaN when it cannot be counted")
                .tag("store", store)
                .strongReference(true)
                .register(registry);
    }

    private static double entries(EntryCount count) {
        try {
            return count.entryCount();
        } catch (StorageUnavailableException e) {
            log.debug("Counting a store's entries for /metrics failed: {}", e.getMessage());
            return Double.NaN;
        }
    }

    /** Jetty's open connections and their lifetimes, and its request thread pool. */
    public void watchJetty(Server jetty) {
        JettyConnectionMetrics.addToAllConnectors(jetty, registry);
        new JettyServerThreadPoolMetrics(jetty.getThreadPool(), Tags.empty()).bindTo(registry);
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }

    private Counter authEvents(AuditEvent event, String outcome) {
        return Counter.builder("portico.auth.events")
                .description("Authentication events, as in the audit log")
                .tags("kind", event.fieldValue(), "outcome", outcome)
                .register(registry);
    }

    private void authFailures(String error) {
        authFailures.put(
                error,
                Counter.builder("portico.auth.failures")
                        .description("Failed authentication events by error code; unlisted codes count as other")
                        .tag("error", error)
                        .register(registry));
    }

    /**
     * The meters of one upstream. Counters exist from the start, so that a rate over them is defined before the first
     * call; a histogram (16 series) appears with the first call of its outcome, so that outcomes an upstream never
     * has (timeouts, cancellations) do not bloat every scrape.
     */
    private static final class UpstreamMeters {

        /** 1 when the upstream last answered, 0 when it last could not be reached, -1 before any attempt. */
        final AtomicInteger up = new AtomicInteger(-1);

        final Counter reconnects;
        private final MeterRegistry registry;
        private final String upstream;
        private final Map<ToolCallOutcome, Counter> calls = new EnumMap<>(ToolCallOutcome.class);
        private final AtomicReferenceArray<Timer> durations =
                new AtomicReferenceArray<>(ToolCallOutcome.values().length);

        UpstreamMeters(MeterRegistry registry, String upstream) {
            this.registry = registry;
            this.upstream = upstream;
            Gauge.builder("portico.upstream.up", up, value -> value.get() < 0 ? Double.NaN : value.get())
                    .description("Whether the upstream answered Portico's last attempt to reach it; NaN until one")
                    .tag("upstream", upstream)
                    .register(registry);
            reconnects = Counter.builder("portico.upstream.reconnects")
                    .description("Sessions' connection attempts to an upstream after their first")
                    .tag("upstream", upstream)
                    .register(registry);
            for (ToolCallOutcome outcome : ToolCallOutcome.values()) {
                calls.put(
                        outcome,
                        Counter.builder("portico.tool.calls")
                                .description("Tool calls forwarded to an upstream, by how they ended")
                                .tags("upstream", upstream, "outcome", outcome.label())
                                .register(registry));
            }
        }

        /** @param started when the call was forwarded, by {@link System#nanoTime()} */
        void toolCall(ToolCallOutcome outcome, long started) {
            duration(outcome).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            calls.get(outcome).increment();
        }

        private Timer duration(ToolCallOutcome outcome) {
            Timer timer = durations.get(outcome.ordinal());
            if (timer == null) {
                // Registering is idempotent: two threads racing here get the same timer.
                timer = Timer.builder("portico.tool.call.duration")
                        .description("Time from forwarding a tool call to its end")
                        .tags("upstream", upstream, "outcome", outcome.label())
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(registry);
                durations.set(outcome.ordinal(), timer);
            }
            return timer;
        }
    }

    /** A store's count, reused for {@link #STORE_COUNT_TTL} so that frequent scrapes do not each query a database. */
    private static final class CachedCount implements EntryCount {

        private final EntryCount store;
        private long value;
        private long countedAt;
        private boolean counted;

        CachedCount(EntryCount store) {
            this.store = store;
        }

        @Override
        public synchronized long entryCount() {
            long now = System.nanoTime();
            if (!counted || now - countedAt >= STORE_COUNT_TTL.toNanos()) {
                value = store.entryCount();
                countedAt = now;
                counted = true;
            }
            return value;
        }
    }
}
