package dev.portico.aggregator;

import dev.portico.aggregator.auth.AuthChallenge;
import dev.portico.aggregator.auth.LoopbackSignInListener;
import dev.portico.aggregator.auth.SignInWiring;
import dev.portico.aggregator.gateway.Gateway;
import dev.portico.aggregator.health.HealthServlet;
import dev.portico.aggregator.metrics.MetricsServlet;
import dev.portico.aggregator.metrics.PorticoMetrics;
import dev.portico.aggregator.reload.ConfigGeneration;
import dev.portico.aggregator.reload.ReloadOutcome;
import dev.portico.aggregator.session.GatewaySession;
import dev.portico.aggregator.storage.BrokerState;
import dev.portico.aggregator.storage.BrokerStates;
import dev.portico.config.ConfigChanges;
import dev.portico.config.MetricsConfig;
import dev.portico.config.PorticoConfig;
import dev.portico.config.UpstreamConfig;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.inbound.InboundAuthentication;
import dev.portico.oauth.inbound.InboundUser;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.transport.downstream.HttpMcpServer;
import dev.portico.transport.downstream.StdioMcpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;

/**
 * The composition root: one config, one {@link Gateway}, and the downstream endpoint that serves it (HTTP, or stdio
 * for a single desktop client). Whoever starts a Portico closes it; closing ends every session and every upstream
 * connection, including stdio children.
 */
public final class Portico implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Portico.class);

    private final Gateway gateway;
    private final SignInWiring signIn;
    /** {@code server.auth}: the bearer check of the MCP endpoints; null without it. */
    private final InboundAuthentication inbound;

    private final HttpMcpServer http;
    private final LoopbackSignInListener loopback;
    private final StdioMcpServer stdio;
    private final PorticoMetrics metrics;
    private final AtomicBoolean ready;
    /** Set first thing when closing: {@code /readyz} reports "stopping" for the whole drain. */
    private final AtomicBoolean stopping;

    private final Duration shutdownGracePeriod;
    /** What Portico runs with: the startup config, with the upstreams of the last reload applied. */
    private PorticoConfig running;

    private final ConfigGeneration generation;
    /** Work done now and then while Portico runs. */
    private volatile Disposable background = Disposables.disposed();

    /**
     * How often a replica that shares the broker's state looks for sign-ins that another replica finished for its
     * sessions, so that their upstreams reconnect and their clients hear of it without calling again.
     */
    private static final Duration SIGN_INS_ELSEWHERE = Duration.ofSeconds(2);

    private Portico(
            Gateway gateway,
            SignInWiring signIn,
            InboundAuthentication inbound,
            HttpMcpServer http,
            LoopbackSignInListener loopback,
            StdioMcpServer stdio,
            PorticoMetrics metrics,
            AtomicBoolean ready,
            AtomicBoolean stopping,
            PorticoConfig config,
            ConfigGeneration generation) {
        this.gateway = gateway;
        this.signIn = signIn;
        this.inbound = inbound;
        this.http = http;
        this.loopback = loopback;
        this.stdio = stdio;
        this.metrics = metrics;
        this.ready = ready;
        this.stopping = stopping;
        this.shutdownGracePeriod = config.server().shutdownGracePeriod();
        this.running = config;
        this.generation = generation;
    }

    /** Portico's name and version as it announces itself to clients and upstreams. */
    public static McpSchema.Implementation implementation() {
        String version = Portico.class.getPackage().getImplementationVersion();
        return new McpSchema.Implementation("portico", "Portico", version == null ? "dev" : version);
    }

    /**
     * Starts the HTTP listener for {@code config}: streamable HTTP, legacy SSE, the sign-in endpoints and Portico's
     * Client ID Metadata Document, health, and metrics unless {@code metrics.enabled} is false.
     */
    public static Portico startHttp(PorticoConfig config) throws Exception {
        return startHttp(config, Clock.systemUTC());
    }

    /** {@link #startHttp(PorticoConfig)} with the clock sign-ins and tokens expire by; tests move it. */
    public static Portico startHttp(PorticoConfig config, Clock clock) throws Exception {
        PorticoMetrics metrics = metricsFor(config);
        return startHttp(config, clock, BrokerStates.from(config, metrics.evictions()), metrics);
    }

    /**
     * {@link #startHttp(PorticoConfig, Clock)} keeping the broker's state in {@code state}, which this Portico closes
     * when it closes.
     */
    public static Portico startHttp(PorticoConfig config, Clock clock, BrokerState state) throws Exception {
        return startHttp(config, clock, state, metricsFor(config));
    }

    /** Prometheus meters unless {@code metrics.enabled} is false, then meters that count nothing. */
    private static PorticoMetrics metricsFor(PorticoConfig config) {
        return config.metrics().enabled()
                ? PorticoMetrics.prometheus(
                        config.upstreams().stream().map(UpstreamConfig::name).toList())
                : PorticoMetrics.off();
    }

    private static Portico startHttp(PorticoConfig config, Clock clock, BrokerState state, PorticoMetrics metrics)
            throws Exception {
        AtomicReference<URI> boundAddress = new AtomicReference<>();
        Supplier<URI> publicBaseUrl = () -> config.server().publicUrl().orElseGet(boundAddress::get);
        SignInWiring signIn;
        try {
            signIn = new SignInWiring(config, publicBaseUrl, clock, state, metrics.evictions());
        } catch (RuntimeException e) {
            state.close();
            metrics.close();
            throw e;
        }
        InboundAuthentication inbound;
        try {
            inbound = config.server()
                    .auth()
                    .map(auth -> InboundAuthentication.create(
                            auth,
                            publicBaseUrl,
                            OutboundHttpSettings.from(config.security()),
                            config.oauth().metadataCacheTtl(),
                            clock))
                    .orElse(null);
        } catch (RuntimeException e) {
            signIn.close();
            metrics.close();
            throw e;
        }
        signIn.reportTo(metrics);
        Gateway gateway = new Gateway(config, implementation(), signIn.signInBroker(), challenge -> {}, metrics);
        metrics.countSessions(gateway::sessions);
        AtomicBoolean ready = new AtomicBoolean();
        AtomicBoolean stopping = new AtomicBoolean();
        ConfigGeneration generation = new ConfigGeneration();
        metrics.watchConfig(generation);
        HealthServlet health = new HealthServlet(
                () -> {
                    if (stopping.get()) {
                        return Optional.of("stopping");
                    }
                    return ready.get()
                            ? state.unavailable().map(reason -> "sign-in storage unavailable: " + reason)
                            : Optional.of("not started");
                },
                generation::current);
        HttpMcpServer.Builder builder = HttpMcpServer.builder(gateway)
                .host(config.server().host())
                .port(config.server().port())
                .maxRequestBytes(config.limits().maxRequestBytes())
                .maxRequestHeaderBytes(config.limits().maxRequestHeaderBytes())
                .idleTimeout(config.limits().idleTimeout())
                .servlet("/healthz", health)
                .servlet("/readyz", health);
        if (metrics.served()) {
            builder.servlet(MetricsConfig.PATH, new MetricsServlet(metrics)).jetty(metrics::watchJetty);
        }
        signIn.servlets(Optional.ofNullable(inbound).map(signIn::browserLogin)).forEach(builder::servlet);
        if (inbound != null) {
            builder.authenticator((request, response, endpoint) -> inbound.authenticator()
                    .authenticate(request, response, endpoint)
                    .map(InboundUser::ownerKey));
            inbound.servlets().forEach(builder::servlet);
        }
        HttpMcpServer http = builder.build();
        try {
            http.start();
            boundAddress.set(http.baseUri());
            signIn.verify();
        } catch (Exception e) {
            gateway.close();
            signIn.close();
            metrics.close();
            http.close();
            if (inbound != null) {
                inbound.close();
            }
            throw e;
        }
        ready.set(true);
        log.info(
                "Portico ready with {} upstream(s) from {}; sign-in callback at {}{}",
                config.upstreams().size(),
                config.source(),
                publicBaseUrl.get(),
                config.oauth().callbackPath());
        Portico portico =
                new Portico(gateway, signIn, inbound, http, null, null, metrics, ready, stopping, config, generation);
        if (state.shared()) {
            portico.background = Flux.interval(SIGN_INS_ELSEWHERE)
                    .subscribe(tick -> gateway.sessions().forEach(GatewaySession::noticeSignInsElsewhere));
        }
        return portico;
    }

    /**
     * Serves one MCP client over {@code in} and {@code out}. Sign-ins still work: the start link, the callback and
     * Portico's Client ID Metadata Document are served on a loopback listener ({@code oauth.loopbackPort}), and the
     * public URL is that listener's unless {@code server.publicUrl} says otherwise. With {@code oauth.openBrowser},
     * {@code browser} is handed each new sign-in link a call answers with.
     */
    public static Portico startStdio(PorticoConfig config, InputStream in, OutputStream out, Consumer<URI> browser)
            throws Exception {
        if (config.server().auth().isPresent()) {
            // One local client, whose user started Portico: there is no one to authenticate, and no /mcp to guard.
            throw new IllegalArgumentException("server.auth does not apply with --stdio: a stdio client is the user"
                    + " who started Portico; remove server.auth from " + config.source() + " or serve over HTTP");
        }
        AtomicReference<URI> boundAddress = new AtomicReference<>();
        Supplier<URI> publicBaseUrl = () -> config.server().publicUrl().orElseGet(boundAddress::get);
        SignInWiring signIn = new SignInWiring(
                config,
                publicBaseUrl,
                Clock.systemUTC(),
                BrokerStates.from(config, EvictionListener.NONE),
                EvictionListener.NONE);
        LoopbackSignInListener loopback = null;
        try {
            loopback = LoopbackSignInListener.start(config.oauth().loopbackPort(), signIn.servlets());
            boundAddress.set(loopback.baseUri());
            signIn.verify();
        } catch (Exception e) {
            signIn.close();
            if (loopback != null) {
                loopback.close();
            }
            throw e;
        }
        Gateway gateway = new Gateway(
                config,
                implementation(),
                signIn.signInBroker(),
                config.oauth().openBrowser() ? new OpenOnce(browser) : challenge -> {},
                PorticoMetrics.off());
        StdioMcpServer stdio = StdioMcpServer.start(gateway, in, out);
        log.info(
                "Portico serving one client over stdio with {} upstream(s); sign-in callback at {}{}",
                config.upstreams().size(),
                publicBaseUrl.get(),
                config.oauth().callbackPath());
        return new Portico(
                gateway,
                signIn,
                null,
                null,
                loopback,
                stdio,
                PorticoMetrics.off(),
                new AtomicBoolean(true),
                new AtomicBoolean(),
                config,
                new ConfigGeneration());
    }

    /** Opens each sign-in link once, however many calls it answers. */
    private record OpenOnce(Consumer<URI> browser, Set<String> opened) implements Consumer<AuthChallenge> {

        OpenOnce(Consumer<URI> browser) {
            this(browser, ConcurrentHashMap.newKeySet());
        }

        @Override
        public void accept(AuthChallenge challenge) {
            if (opened.add(challenge.flowId())) {
                browser.accept(challenge.authUrl());
            }
        }
    }

    /** Base URL of the HTTP listener, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        if (http == null) {
            throw new IllegalStateException("not serving HTTP");
        }
        return http.baseUri();
    }

    /** Base URL of stdio mode's loopback sign-in listener. */
    public URI signInBaseUri() {
        if (loopback == null) {
            throw new IllegalStateException("not serving stdio");
        }
        return loopback.baseUri();
    }

    public Gateway gateway() {
        return gateway;
    }

    /**
     * The generation of the configuration Portico runs with ({@link ConfigGeneration#FIRST} at startup, one more for
     * each reload that changed it) and the count of reloads by outcome. Shown on {@code /readyz}; what a gauge and a
     * counter read.
     */
    public ConfigGeneration configGeneration() {
        return generation;
    }

    /**
     * Applies a newly loaded, valid config to the running Portico: upstreams added, removed or changed take effect
     * in every session (see {@link Gateway#reconfigure}); sessions keep their connections to the others. What cannot
     * change while Portico runs (the {@code server}, {@code oauth}, {@code security} and {@code storage} sections)
     * keeps its old value, each differing key logged as needing a restart; nothing of those is half applied. Calls
     * are serialized.
     *
     * @return {@link ReloadOutcome#APPLIED} when the upstreams changed (the generation then moves on), else {@link
     *     ReloadOutcome#UNCHANGED}; counted in {@link #configGeneration()} either way
     */
    public synchronized ReloadOutcome reconfigure(PorticoConfig next) {
        if (stopping.get()) {
            log.info("Not applying {}: Portico is stopping", next.source());
            generation.record(ReloadOutcome.UNCHANGED);
            return ReloadOutcome.UNCHANGED;
        }
        ConfigChanges changes = ConfigChanges.between(running, next);
        for (String key : changes.restartRequired()) {
            log.warn(
                    "{}: changed {} requires a restart; Portico keeps running with the value it started with",
                    next.source(),
                    key);
        }
        if (!changes.upstreamsChanged()) {
            log.info(
                    "{}: no upstream changed; still running config generation {}",
                    next.source(),
                    generation.record(ReloadOutcome.UNCHANGED));
            return ReloadOutcome.UNCHANGED;
        }
        metrics.measureUpstreams(
                next.upstreams().stream().map(UpstreamConfig::name).toList());
        gateway.reconfigure(next.upstreams(), changes.affected());
        running = new PorticoConfig(
                running.server(),
                running.oauth(),
                running.security(),
                running.storage(),
                running.limits(),
                running.metrics(),
                next.upstreams(),
                next.source());
        log.info(
                "{}: config generation {} applied to {} session(s): {}",
                next.source(),
                generation.record(ReloadOutcome.APPLIED),
                gateway.sessions().size(),
                changes.summary());
        return ReloadOutcome.APPLIED;
    }

    /** The config Portico runs with: startup settings, and the upstreams of the last applied reload. */
    public synchronized PorticoConfig runningConfig() {
        return running;
    }

    /** Blocks until the stdio client closed its input (stdio mode only). */
    public void awaitStdioEnd() throws InterruptedException {
        if (stdio == null) {
            throw new IllegalStateException("not serving stdio");
        }
        stdio.awaitEnd();
    }

    /**
     * The stdio client closed its input: no answer can reach it any more, so its calls are cancelled at once rather
     * than drained.
     */
    private boolean stdioClientGone() {
        try {
            return stdio != null && stdio.awaitEnd(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /**
     * Stops in this order: {@code /readyz} answers 503 "stopping" (so a load balancer sends no more clients); new
     * requests are refused while those in flight get {@code server.shutdownGracePeriod} to finish, and those still
     * running then are cancelled at their upstream and answered with an error; then every session ends, closing its
     * upstream connections and stopping its stdio children; then the listeners stop.
     */
    @Override
    public void close() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        background.dispose();
        gateway.drain(stdioClientGone() ? Duration.ZERO : shutdownGracePeriod);
        gateway.close();
        if (signIn != null) {
            signIn.close();
        }
        if (inbound != null) {
            inbound.close();
        }
        try {
            if (http != null) {
                http.close();
            }
            if (stdio != null) {
                stdio.close();
            }
            if (loopback != null) {
                loopback.close();
            }
        } catch (Exception e) {
            log.warn("Stopping the listener: {}", e.getMessage());
        }
        metrics.close();
        log.info("Portico stopped");
    }
}
