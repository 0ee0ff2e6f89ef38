package dev.portico.aggregator.session;

import dev.portico.aggregator.auth.SignInBroker;
import dev.portico.aggregator.auth.SignInStep;
import dev.portico.aggregator.auth.SignOut;
import dev.portico.aggregator.catalog.MergedCatalog;
import dev.portico.aggregator.catalog.UpstreamCatalog;
import dev.portico.config.UpstreamConfig;
import dev.portico.transport.downstream.DownstreamSession;
import dev.portico.transport.upstream.UpstreamClientSpec;
import dev.portico.transport.upstream.UpstreamConnector;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Everything Portico keeps for one downstream session: its own connection to each upstream, the catalog merged from
 * them, its roots and log level, and the calls it has in flight.
 *
 * <p>Upstream connections are per session so that nothing one client does (subscriptions, log level, roots, a
 * sampling request an upstream sends back, later a sign-in) can reach another client. They are opened on first use,
 * not at {@code initialize}, so idle sessions cost little.
 *
 * <p>Safe for concurrent use.
 */
public final class GatewaySession implements SessionUpstream.Listener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

    /** How long to wait for a client to list its roots before connecting upstreams without them. */
    private static final Duration ROOTS_TIMEOUT = Duration.ofSeconds(5);

    private final DownstreamSession downstream;
    private final UpstreamConnector connector;
    /** Name → connection, in config order; replaced whole (under this object's lock) when the config changes. */
    private volatile Map<String, SessionUpstream> upstreams;
    /** Tool prefix → upstream config; replaced with {@link #upstreams}. */
    private volatile Map<String, UpstreamConfig> byPrefix;

    private final McpSchema.Implementation clientInfo;
    private final SignInBroker signIn;
    /** Told how this session's upstream connections fare (the metrics' upstream health). */
    private final UpstreamObserver observer;

    private final SessionSignIns signIns;
    private final Function<GatewaySession, List<McpSchema.Tool>> ownTools;
    private final List<McpSchema.Resource> ownResources;

    /** Upstream name → the id of the URL elicitation that asked this client to sign in to it, until completed. */
    private final Map<String, String> elicitations = new ConcurrentHashMap<>();

    private final Map<Object, InFlightCall> calls = new ConcurrentHashMap<>();
    private final Deque<InFlightCall> active = new ConcurrentLinkedDeque<>();
    private volatile McpAsyncServerExchange lastExchange;

    private final Object catalogLock = new Object();
    private MergedCatalog catalog = MergedCatalog.EMPTY;
    private volatile List<McpSchema.Root> roots = List.of();
    private volatile McpSchema.LoggingLevel loggingLevel;
    private volatile Mono<Void> started;
    /** Set (under this object's lock) by {@link #close()}: a config change must not open connections any more. */
    private boolean closed;

    public GatewaySession(
            DownstreamSession downstream,
            List<UpstreamConfig> configs,
            UpstreamConnector connector,
            McpSchema.Implementation clientInfo,
            SignInBroker signIn,
            Function<GatewaySession, List<McpSchema.Tool>> ownTools,
            List<McpSchema.Resource> ownResources,
            UpstreamObserver observer) {
        this.downstream = downstream;
        this.observer = observer;
        this.connector = connector;
        this.clientInfo = clientInfo;
        this.signIn = signIn;
        this.signIns = new SessionSignIns(owner(), downstream.logId(), signIn, Clock.systemUTC());
        this.ownTools = ownTools;
        this.ownResources = List.copyOf(ownResources);
        Map<String, SessionUpstream> ups = new LinkedHashMap<>();
        for (UpstreamConfig config : configs) {
            ups.put(config.name(), newUpstream(config));
        }
        use(ups);
        this.catalog = MergedCatalog.merge(ownTools.apply(this), this.ownResources, Map.of(), conflict -> {});
    }

    private SessionUpstream newUpstream(UpstreamConfig config) {
        return new SessionUpstream(config, connector, epoch -> specFor(config), this, observer, downstream.logId());
    }

    /** Makes {@code next} (in config order) this session's upstreams. */
    private void use(Map<String, SessionUpstream> next) {
        Map<String, UpstreamConfig> prefixes = new LinkedHashMap<>();
        next.values().stream()
                .map(SessionUpstream::config)
                .filter(config -> !config.toolPrefix().isEmpty())
                .forEach(config -> prefixes.put(config.toolPrefix(), config));
        this.upstreams = Collections.unmodifiableMap(next);
        this.byPrefix = Collections.unmodifiableMap(prefixes);
    }

    public DownstreamSession downstream() {
        return downstream;
    }

    /**
     * Whose upstream tokens this session uses: the signed-in user when Portico authenticates its clients
     * ({@code server.auth}), shared by all of the user's sessions; else the session itself.
     */
    public String owner() {
        return downstream.principal().orElse(downstream.id());
    }

    public Optional<SessionUpstream> upstream(String name) {
        return Optional.ofNullable(upstreams.get(name));
    }

    public List<SessionUpstream> upstreams() {
        return List.copyOf(upstreams.values());
    }

    /** The upstream whose prefix an exposed name carries, even when that upstream currently exposes nothing. */
    public Optional<SessionUpstream> upstreamForExposedName(String exposedName) {
        int sep = exposedName.indexOf(UpstreamConfig.PREFIX_SEPARATOR);
        if (sep <= 0) {
            return Optional.empty();
        }
        return Optional.ofNullable(byPrefix.get(exposedName.substring(0, sep)))
                .map(config -> upstreams.get(config.name()));
    }

    /**
     * Follows a reloaded config, whose upstreams are {@code configs} in order: connects to those added, retires those
     * removed, replaces the connection of each whose settings changed by one made with its new settings, and leaves
     * the others alone, with their connections, catalogs and sign-in state. The client hears of what that changes in
     * its lists ({@code notifications/tools/list_changed} and the like) now, and again as each new connection comes
     * up, as after a sign-in. A call in flight to a removed or replaced upstream finishes on its old connection,
     * which closes after it. Does nothing once the session is closed.
     */
    public void reconfigure(List<UpstreamConfig> configs) {
        List<SessionUpstream> retired = new ArrayList<>();
        List<SessionUpstream> fresh = new ArrayList<>();
        boolean connectNow;
        // The same lock as start(): a session starts either with the old set or with the new one, never in between.
        synchronized (this) {
            if (closed) {
                return;
            }
            Map<String, SessionUpstream> current = upstreams;
            Map<String, SessionUpstream> next = new LinkedHashMap<>();
            for (UpstreamConfig config : configs) {
                SessionUpstream kept = current.get(config.name());
                if (kept != null && kept.config().equals(config)) {
                    next.put(config.name(), kept);
                } else {
                    SessionUpstream created = newUpstream(config);
                    next.put(config.name(), created);
                    fresh.add(created);
                }
            }
            current.values().stream().filter(u -> next.get(u.name()) != u).forEach(retired::add);
            use(next);
            connectNow = started != null;
        }
        for (SessionUpstream old : retired) {
            old.retire();
            signIns.forgetPending(old);
            // A client waiting to be told that a sign-in to it finished would otherwise wait for ever.
            completeElicitation(old.name());
        }
        if (connectNow) {
            fresh.forEach(u -> u.ensureConnected().subscribe());
        }
        announce(remerge());
    }

    /** The catalog after every upstream had its first chance to connect. */
    public Mono<MergedCatalog> catalog(McpAsyncServerExchange exchange) {
        return start(exchange).then(Mono.fromSupplier(this::currentCatalog));
    }

    public MergedCatalog currentCatalog() {
        synchronized (catalogLock) {
            return catalog;
        }
    }

    private Mono<Void> start(McpAsyncServerExchange exchange) {
        Mono<Void> s = started;
        if (s == null) {
            synchronized (this) {
                if (started == null) {
                    started = fetchRoots(exchange)
                            .then(Flux.fromIterable(upstreams.values())
                                    .flatMap(SessionUpstream::ensureConnected)
                                    .then())
                            .cache();
                }
                s = started;
            }
        }
        return s;
    }

    private Mono<Void> fetchRoots(McpAsyncServerExchange exchange) {
        if (downstream.capabilities().roots() == null) {
            return Mono.empty();
        }
        return exchange.listRoots()
                .timeout(ROOTS_TIMEOUT)
                .doOnNext(result -> roots = List.copyOf(result.roots()))
                .doOnError(e ->
                        log.debug("Session {}: listing roots failed: {}", downstream.logId(), downstream.logReason(e)))
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    /** The client's roots changed: fetch them and pass them on to every connected upstream. */
    public Mono<Void> rootsChanged(McpAsyncServerExchange exchange) {
        List<McpSchema.Root> previous = roots;
        return exchange.listRoots()
                .timeout(ROOTS_TIMEOUT)
                .doOnNext(result -> {
                    List<McpSchema.Root> next = List.copyOf(result.roots());
                    roots = next;
                    upstreams.values().forEach(u -> u.ifReady(conn -> conn.replaceRoots(previous, next)));
                })
                .then();
    }

    /** Remembers the level for upstreams that connect later, and passes it to those connected now. */
    public Mono<Void> setLoggingLevel(McpSchema.LoggingLevel level) {
        loggingLevel = level;
        upstreams
                .values()
                .forEach(u -> u.ifReady(conn -> conn.serverCapabilities().logging() == null
                        ? Mono.empty()
                        : conn.client().setLoggingLevel(level)));
        return Mono.empty();
    }

    /** Tracks a forwarded call so a cancellation and the upstream's requests can find it. */
    public InFlightCall begin(Object downstreamRequestId, McpAsyncServerExchange exchange, Object progressToken) {
        InFlightCall call = new InFlightCall(downstreamRequestId, exchange, progressToken);
        if (downstreamRequestId != null) {
            calls.put(downstreamRequestId, call);
        }
        active.addLast(call);
        lastExchange = exchange;
        return call;
    }

    public void end(InFlightCall call) {
        if (call.requestId() != null) {
            calls.remove(call.requestId(), call);
        }
        active.removeFirstOccurrence(call);
    }

    /** Cancels every call in flight at its upstream, telling the client {@code reason} (Portico is stopping). */
    public void abandonCalls(String reason) {
        active.forEach(call -> call.abandon(reason));
    }

    /** Remembers the newest exchange, the fallback channel for requests an upstream sends outside a call. */
    public void seen(McpAsyncServerExchange exchange) {
        lastExchange = exchange;
    }

    /** The client cancelled one of its requests (MCP basic/utilities/cancellation). */
    public void cancel(Object downstreamRequestId, String reason) {
        InFlightCall call = calls.get(downstreamRequestId);
        if (call != null) {
            log.debug("Session {}: request {} cancelled by the client", downstream.logId(), downstreamRequestId);
            call.cancel(reason);
        }
    }

    /**
     * The exchange to carry a request an upstream sends to the client (sampling, elicitation). The newest call in
     * flight is the one that caused it in all but contrived cases; its stream is open, which streamable HTTP needs.
     */
    private Mono<McpAsyncServerExchange> exchangeForUpstreamRequest() {
        InFlightCall newest = active.peekLast();
        McpAsyncServerExchange exchange = newest != null ? newest.exchange() : lastExchange;
        return exchange != null
                ? Mono.just(exchange)
                : Mono.error(McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                        .message("the client has no request in progress to carry this request")
                        .build());
    }

    private UpstreamClientSpec.Builder specFor(UpstreamConfig config) {
        McpSchema.ClientCapabilities caps = downstream.capabilities();
        UpstreamClientSpec.Builder spec = UpstreamClientSpec.builder()
                .clientInfo(clientInfo)
                .authorization(() -> signIn.authorization(owner(), config))
                .onLogging(notification -> forwardLog(config, notification))
                .onProgress(this::forwardProgress)
                .onResourceUpdated(uri -> downstream
                        .notify(McpSchema.METHOD_NOTIFICATION_RESOURCES_UPDATED, Map.of("uri", uri))
                        .onErrorResume(e -> Mono.empty()));
        if (caps.sampling() != null) {
            spec.sampling(request -> exchangeForUpstreamRequest().flatMap(ex -> ex.createMessage(request)));
        }
        if (caps.elicitation() != null) {
            boolean url = caps.elicitation().url() != null;
            boolean form = caps.elicitation().form() != null || !url;
            if (form) {
                spec.formElicitation(
                        request -> exchangeForUpstreamRequest().flatMap(ex -> ex.createElicitation(request)));
            }
            if (url) {
                spec.urlElicitation(
                        request -> exchangeForUpstreamRequest().flatMap(ex -> ex.createElicitation(request)));
            }
        }
        if (caps.roots() != null) {
            spec.roots(roots);
        }
        return spec;
    }

    private Mono<Void> forwardLog(UpstreamConfig config, McpSchema.LoggingMessageNotification notification) {
        InFlightCall newest = active.peekLast();
        Mono<Void> sent = newest != null
                ? newest.exchange().loggingNotification(notification)
                : downstream.notify(McpSchema.METHOD_NOTIFICATION_MESSAGE, notification);
        return sent.onErrorResume(e -> {
            log.debug(
                    "Session {}: log message from '{}' not delivered: {}",
                    downstream.logId(),
                    config.name(),
                    downstream.logReason(e));
            return Mono.empty();
        });
    }

    private Mono<Void> forwardProgress(McpSchema.ProgressNotification notification) {
        return active.stream()
                .filter(call -> notification.progressToken().equals(call.progressToken()))
                .findFirst()
                .map(call -> call.exchange().progressNotification(notification).onErrorResume(e -> Mono.empty()))
                .orElseGet(Mono::empty);
    }

    @Override
    public void upstreamChanged(SessionUpstream changed) {
        CatalogChange change = remerge();
        if (upstreams.get(changed.name()) != changed) {
            // Retired by a config change while it reported: only the catalog (which no longer has it) matters.
            announce(change);
            return;
        }
        if (changed.state() == SessionUpstream.State.AUTH_REQUIRED) {
            signIns.authRequired(changed);
        } else if (changed.state() == SessionUpstream.State.READY) {
            signIns.connected(changed);
            completeElicitation(changed.name());
        }
        if (changed.state() == SessionUpstream.State.READY && loggingLevel != null) {
            changed.ifReady(conn -> conn.serverCapabilities().logging() == null
                    ? Mono.empty()
                    : conn.client().setLoggingLevel(loggingLevel));
        }
        announce(change);
    }

    /** Merges the catalog afresh from the upstreams now connected. */
    private CatalogChange remerge() {
        synchronized (catalogLock) {
            Map<UpstreamConfig, UpstreamCatalog> ready = new LinkedHashMap<>();
            upstreams.values().forEach(u -> ready.put(u.config(), u.catalog()));
            MergedCatalog before = catalog;
            catalog = MergedCatalog.merge(
                    ownTools.apply(this),
                    ownResources,
                    ready,
                    conflict -> log.warn("Session {}: {}", downstream.logId(), conflict));
            return new CatalogChange(before, catalog);
        }
    }

    /** The catalog before and after a merge. */
    private record CatalogChange(MergedCatalog before, MergedCatalog after) {}

    /** Tells the client of each of its lists that {@code change} altered. */
    private void announce(CatalogChange change) {
        if (!change.after().sameTools(change.before())) {
            announce(McpSchema.METHOD_NOTIFICATION_TOOLS_LIST_CHANGED);
        }
        if (!change.after().sameResources(change.before())) {
            announce(McpSchema.METHOD_NOTIFICATION_RESOURCES_LIST_CHANGED);
        }
        if (!change.after().samePrompts(change.before())) {
            announce(McpSchema.METHOD_NOTIFICATION_PROMPTS_LIST_CHANGED);
        }
    }

    private void announce(String method) {
        downstream
                .notify(method, Map.of())
                .subscribe(
                        ok -> {},
                        e -> log.debug(
                                "Session {}: {} not delivered: {}",
                                downstream.logId(),
                                method,
                                downstream.logReason(e)));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        active.forEach(call -> call.cancel("session closed"));
        upstreams.values().forEach(SessionUpstream::close);
        if (downstream.principal().isEmpty()) {
            // A user's sign-ins outlive the session: the user's next session (a reconnect) keeps them.
            signIn.forget(owner());
        }
    }

    /** What follows for an upstream that refused this session: a retry, a sign-in link, or a reason. */
    public Mono<SignInStep> signInStep(SessionUpstream upstream) {
        return signIns.step(upstream);
    }

    /** What follows for a connected upstream that refused one request with {@code failure} (a 403). */
    public Mono<SignInStep> stepUpStep(SessionUpstream upstream, UpstreamFailure failure) {
        return signIns.stepUp(upstream, failure);
    }

    /** The upstream took a call of this session: the broker may end a step-up it was counting. */
    public void callAccepted(SessionUpstream upstream) {
        signIn.callAccepted(owner(), upstream.config());
    }

    /**
     * The owner of this session finished a sign-in started for {@code upstream}: reconnect every upstream that waits
     * for one and for which a token is now held (the sign-in may serve several upstreams of one issuer). A step-up
     * leaves its upstream connected, and its next request carries the new token, so a client waiting on it is told
     * at once.
     */
    public void signedIn(String upstream) {
        Optional.ofNullable(upstreams.get(upstream))
                .filter(u -> u.state() == SessionUpstream.State.READY)
                .ifPresent(u -> completeElicitation(u.name()));
        upstreams.values().stream()
                .filter(u -> u.state() == SessionUpstream.State.AUTH_REQUIRED)
                .filter(u -> signIn.authorization(owner(), u.config()).isPresent())
                .forEach(this::reconnectAndTell);
    }

    /**
     * Reconnects each upstream waiting for a sign-in that another replica has meanwhile finished, and tells a
     * client waiting on it, as {@link #signedIn} does for sign-ins this replica finished. For replicas that share the
     * broker's state, called now and then.
     */
    public void noticeSignInsElsewhere() {
        upstreams.values().stream()
                .filter(u -> u.state() == SessionUpstream.State.AUTH_REQUIRED)
                .filter(signIns::signedInElsewhere)
                .forEach(this::reconnectAndTell);
    }

    /**
     * Reconnects an upstream after a sign-in, then tells a client waiting on a URL elicitation for it, even when the
     * upstream still refuses: the client's retry then gets the new reason.
     */
    private void reconnectAndTell(SessionUpstream upstream) {
        upstream.reconnectNow()
                .onErrorResume(e -> Mono.empty())
                .doFinally(signal -> completeElicitation(upstream.name()))
                .subscribe();
    }

    /**
     * Signs this session out of the issuer of {@code upstream} (of every issuer when empty), then reconnects each
     * upstream that relied on it, so that its tools follow what it allows without the token and the client is told.
     *
     * @throws IllegalArgumentException (in the Mono) when {@code upstream} is not one of this session's
     */
    public Mono<SignOut> signOut(Optional<String> upstream) {
        if (upstream.isPresent() && !upstreams.containsKey(upstream.get())) {
            return Mono.error(new IllegalArgumentException("there is no server named '" + upstream.get()
                    + "'; use one of " + String.join(", ", upstreams.keySet()) + ", or all"));
        }
        return signIn.signOut(owner(), upstream).flatMap(result -> {
            Set<String> affected = new LinkedHashSet<>(result.upstreams());
            if (!result.issuers().isEmpty()) {
                upstream.ifPresent(affected::add);
            }
            log.info(
                    "Session {}: signed out of {} issuer(s); reconnecting {}",
                    downstream.logId(),
                    result.issuers().size(),
                    affected);
            return Flux.fromIterable(affected)
                    .mapNotNull(upstreams::get)
                    .filter(u -> u.state() != SessionUpstream.State.IDLE)
                    .doOnNext(signIns::forgetPending)
                    .flatMap(u -> u.restart().onErrorResume(e -> Mono.empty()))
                    .then(Mono.just(result));
        });
    }

    /**
     * A sign-in this session started for {@code upstream} ended without tokens: forget its spent link so the next
     * call offers a new one, and let a client waiting on a URL elicitation retry (and get that new link).
     */
    public void signInFailed(String upstream) {
        SessionUpstream target = upstreams.get(upstream);
        if (target != null) {
            signIns.forgetPending(target);
        }
        completeElicitation(upstream);
    }

    /**
     * This client was asked, by a URL elicitation with {@code elicitationId}, to sign in to {@code upstream}; it is
     * sent {@code notifications/elicitation/complete} once the upstream reconnected after a sign-in.
     */
    public void elicitationIssued(String upstream, String elicitationId) {
        elicitations.put(upstream, elicitationId);
    }

    private void completeElicitation(String upstream) {
        String elicitationId = elicitations.remove(upstream);
        if (elicitationId == null) {
            return;
        }
        log.debug("Session {}: sign-in to {} complete, telling the client", downstream.logId(), upstream);
        downstream
                .notify(
                        McpSchema.METHOD_NOTIFICATION_ELICITATION_COMPLETE,
                        new McpSchema.ElicitationCompleteNotification(elicitationId))
                .subscribe(
                        ok -> {},
                        e -> log.debug(
                                "Session {}: elicitation completion not delivered: {}",
                                downstream.logId(),
                                downstream.logReason(e)));
    }
}
