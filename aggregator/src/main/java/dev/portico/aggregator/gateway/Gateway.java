package dev.portico.aggregator.gateway;

import dev.portico.aggregator.auth.AuthChallenge;
import dev.portico.aggregator.auth.SignInBroker;
import dev.portico.aggregator.auth.SignInStep;
import dev.portico.aggregator.catalog.MergedCatalog;
import dev.portico.aggregator.catalog.Route;
import dev.portico.aggregator.logging.LogFields;
import dev.portico.aggregator.metrics.PorticoMetrics;
import dev.portico.aggregator.session.GatewaySession;
import dev.portico.aggregator.session.InFlightCall;
import dev.portico.aggregator.session.SessionUpstream;
import dev.portico.aggregator.session.UpstreamCallException;
import dev.portico.config.Durations;
import dev.portico.config.PorticoConfig;
import dev.portico.config.UpstreamConfig;
import dev.portico.transport.downstream.DownstreamHandler;
import dev.portico.transport.downstream.DownstreamRequestIds;
import dev.portico.transport.downstream.DownstreamSession;
import dev.portico.transport.upstream.UpstreamConnector;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Portico's MCP server side: answers every downstream request from the session's merged catalog and forwards calls
 * to the upstream that owns them.
 *
 * <p>Forwarding keeps the meaning of what passes through: arguments, results (every content type, structured
 * content, {@code isError}, {@code _meta}) and JSON-RPC errors of an upstream reach the client as the upstream sent
 * them, with only the exposed names translated. When Portico itself cannot reach the owner, a tool call gets a tool
 * error naming the upstream and the cause, so the model sees why.
 */
public final class Gateway implements DownstreamHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    /** The upstreams of the running config, in order; replaced under {@link #sessionsLock} by a reload. */
    private volatile List<UpstreamConfig> upstreams;
    /**
     * Held while a session is added with the current upstreams and while a reload replaces them and takes the list of
     * sessions to reconfigure: every session sees the old set or the new one, none is left behind.
     */
    private final Object sessionsLock = new Object();

    private final UpstreamConnector connector;
    private final McpSchema.Implementation serverInfo;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();
    private final Map<String, GatewaySession> sessions = new ConcurrentHashMap<>();
    private final Map<String, McpRequestHandler<?>> requestHandlers;
    private final Map<String, McpNotificationHandler> notificationHandlers;

    private final SignInBroker signIn;
    private final Consumer<AuthChallenge> challengeShown;
    private final PorticoMetrics metrics;

    /**
     * JSON-RPC's range for errors an implementation defines (-32000 to -32099): Portico is stopping. Not "internal
     * error": nothing went wrong, and the client should try again elsewhere or later.
     */
    static final int STOPPING = -32000;

    /** How long requests cancelled at the end of the grace period get to send their error to the client. */
    private static final Duration ANSWER_AFTER_CANCEL = Duration.ofSeconds(2);

    private final InFlightRequests inFlight = new InFlightRequests();

    /** Emits once the grace period is over: every request still being answered then gets an error. */
    private final Sinks.One<String> gracePeriodOver = Sinks.one();

    public Gateway(PorticoConfig config, McpSchema.Implementation serverInfo, SignInBroker signIn) {
        this(config, serverInfo, signIn, challenge -> {}, PorticoMetrics.off());
    }

    /**
     * @param challengeShown told of each sign-in challenge a call is answered with, for example to open the
     *     user's browser at its link in single-user stdio mode
     * @param metrics counts forwarded tool calls and how upstream connections fare
     */
    public Gateway(
            PorticoConfig config,
            McpSchema.Implementation serverInfo,
            SignInBroker signIn,
            Consumer<AuthChallenge> challengeShown,
            PorticoMetrics metrics) {
        this.upstreams = config.upstreams();
        this.signIn = signIn;
        this.challengeShown = challengeShown;
        this.metrics = metrics;
        signIn.onSignedIn((owner, upstream) -> sessionsOf(owner).forEach(session -> session.signedIn(upstream)));
        signIn.onSignInFailed(
                (owner, upstream) -> sessionsOf(owner).forEach(session -> session.signInFailed(upstream)));
        this.serverInfo = serverInfo;
        this.connector = new UpstreamConnector(serverInfo);
        this.requestHandlers = Map.copyOf(buildRequestHandlers());
        this.notificationHandlers = Map.copyOf(notificationHandlersMap());
    }

    /** The sessions now connected. */
    public Collection<GatewaySession> sessions() {
        return List.copyOf(sessions.values());
    }

    public Optional<GatewaySession> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    /** The sessions whose tokens belong to {@code owner}: the one session, or every session of a signed-in user. */
    private List<GatewaySession> sessionsOf(String owner) {
        GatewaySession own = sessions.get(owner);
        if (own != null) {
            return List.of(own);
        }
        return sessions.values().stream()
                .filter(session -> session.owner().equals(owner))
                .toList();
    }

    @Override
    public McpSchema.InitializeResult initializeResult(String protocolVersion) {
        McpSchema.ServerCapabilities capabilities = McpSchema.ServerCapabilities.builder()
                .tools(true)
                .resources(true, true)
                .prompts(true)
                .logging()
                .completions()
                .build();
        return new McpSchema.InitializeResult(protocolVersion, capabilities, serverInfo, instructions());
    }

    private String instructions() {
        List<String> names = upstreams.stream().map(UpstreamConfig::name).toList();
        return "Portico gateway. Tools and prompts of each upstream MCP server are exposed as <server>__<name>; "
                + "upstreams: " + (names.isEmpty() ? "none" : String.join(", ", names)) + ".";
    }

    @Override
    public Map<String, McpRequestHandler<?>> requestHandlers() {
        return requestHandlers;
    }

    @Override
    public Map<String, McpNotificationHandler> notificationHandlers() {
        return notificationHandlers;
    }

    @Override
    public void sessionOpened(DownstreamSession downstream) {
        GatewaySession session;
        GatewaySession previous;
        synchronized (sessionsLock) {
            session = new GatewaySession(
                    downstream,
                    upstreams,
                    connector,
                    serverInfo,
                    signIn,
                    PorticoTools::tools,
                    PorticoTools.resources(),
                    metrics);
            previous = sessions.put(downstream.id(), session);
        }
        if (previous != null) {
            previous.close();
        }
        String client = downstream.clientInfo() == null
                ? "unnamed client"
                : downstream.clientInfo().name() + " " + downstream.clientInfo().version();
        new LogFields(null, downstream.logId(), null, null, null)
                .run(() -> log.info(
                        "Session {} opened over {} by {}",
                        downstream.logId(),
                        downstream.kind().label(),
                        client));
    }

    @Override
    public void sessionClosed(String sessionId) {
        GatewaySession session = sessions.remove(sessionId);
        if (session != null) {
            session.close();
            String logId = session.downstream().logId();
            new LogFields(null, logId, null, null, null).run(() -> log.info("Session {} closed", logId));
        }
    }

    /**
     * Follows a reloaded config whose upstreams are {@code next}: sessions opened from now on use them, and every open
     * session connects to the upstreams added, closes those removed and reconnects those whose settings changed,
     * keeping its connections to the others (see {@link GatewaySession#reconfigure}).
     *
     * @param affected names of the upstreams that were added, removed or changed, whose discovered sign-in settings
     *     the broker forgets
     */
    public void reconfigure(List<UpstreamConfig> next, Collection<String> affected) {
        List<GatewaySession> open;
        synchronized (sessionsLock) {
            upstreams = List.copyOf(next);
            open = List.copyOf(sessions.values());
        }
        affected.forEach(signIn::forgetUpstream);
        open.forEach(session -> session.reconfigure(next));
    }

    /**
     * Stops taking requests, lets those in flight finish within {@code gracePeriod}, then cancels the rest: a
     * forwarded tool call is cancelled at its upstream ({@code notifications/cancelled}) and answered with a tool
     * error, any other request with a JSON-RPC error. Sessions stay open for those answers; {@link #close()} ends
     * them.
     */
    public void drain(Duration gracePeriod) {
        int running = inFlight.stopTakingNew();
        log.info(
                "Stopping: no new requests; waiting up to {} for {} request(s) in flight",
                Durations.format(gracePeriod),
                running);
        int left = awaitNone(gracePeriod);
        if (left == 0) {
            log.info("Stopping: every request in flight was answered");
            return;
        }
        String reason = "Portico is stopping";
        sessions.values().forEach(session -> session.abandonCalls(reason));
        if (awaitNone(ANSWER_AFTER_CANCEL) > 0) {
            // Not a forwarded call (still connecting, or a read or prompt): answered with an error right away.
            gracePeriodOver.tryEmitValue(reason);
            awaitNone(ANSWER_AFTER_CANCEL);
        }
        log.info("Stopping: grace period over, {} request(s) cancelled", left);
    }

    private int awaitNone(Duration limit) {
        try {
            return inFlight.awaitNone(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight.count();
        }
    }

    @Override
    public void close() {
        sessions.keySet().forEach(this::sessionClosed);
    }

    private Map<String, McpRequestHandler<?>> buildRequestHandlers() {
        Map<String, McpRequestHandler<?>> handlers = new HashMap<>();
        handlers.put(McpSchema.METHOD_PING, (exchange, params) -> Mono.just(Map.of()));
        ToolListAnswers toolLists = new ToolListAnswers(json);
        handlers.put(McpSchema.METHOD_TOOLS_LIST, withSession((session, exchange, params) -> session.catalog(exchange)
                .map(toolLists::answer)));
        handlers.put(
                McpSchema.METHOD_TOOLS_CALL,
                withSession((session, exchange, params) ->
                        callTool(session, exchange, parse(params, new TypeRef<McpSchema.CallToolRequest>() {}))));
        handlers.put(
                McpSchema.METHOD_RESOURCES_LIST, withSession((session, exchange, params) -> session.catalog(exchange)
                        .map(c -> new McpSchema.ListResourcesResult(c.resources(), null))));
        handlers.put(
                McpSchema.METHOD_RESOURCES_TEMPLATES_LIST,
                withSession((session, exchange, params) -> session.catalog(exchange)
                        .map(c -> new McpSchema.ListResourceTemplatesResult(c.resourceTemplates(), null))));
        handlers.put(McpSchema.METHOD_RESOURCES_READ, withSession((session, exchange, params) -> {
            McpSchema.ReadResourceRequest request = parse(params, new TypeRef<McpSchema.ReadResourceRequest>() {});
            if (PorticoTools.AUTH_STATUS_RESOURCE.equals(request.uri())) {
                return Mono.just(PorticoTools.statusResource(session));
            }
            return forwardByResource(
                    session, exchange, request.uri(), conn -> conn.client().readResource(request));
        }));
        handlers.put(McpSchema.METHOD_RESOURCES_SUBSCRIBE, withSession((session, exchange, params) -> {
            McpSchema.SubscribeRequest request = parse(params, new TypeRef<McpSchema.SubscribeRequest>() {});
            return forwardByResource(session, exchange, request.uri(), conn -> conn.client()
                            .subscribeResource(request))
                    .thenReturn(Map.of());
        }));
        handlers.put(McpSchema.METHOD_RESOURCES_UNSUBSCRIBE, withSession((session, exchange, params) -> {
            McpSchema.UnsubscribeRequest request = parse(params, new TypeRef<McpSchema.UnsubscribeRequest>() {});
            return forwardByResource(session, exchange, request.uri(), conn -> conn.client()
                            .unsubscribeResource(request))
                    .thenReturn(Map.of());
        }));
        handlers.put(McpSchema.METHOD_PROMPT_LIST, withSession((session, exchange, params) -> session.catalog(exchange)
                .map(c -> new McpSchema.ListPromptsResult(c.prompts(), null))));
        handlers.put(McpSchema.METHOD_PROMPT_GET, withSession((session, exchange, params) -> {
            McpSchema.GetPromptRequest request = parse(params, new TypeRef<McpSchema.GetPromptRequest>() {});
            return session.catalog(exchange).flatMap(c -> {
                Route route =
                        c.prompt(request.name()).orElseThrow(() -> invalidParams("Unknown prompt: " + request.name()));
                McpSchema.GetPromptRequest forwarded =
                        new McpSchema.GetPromptRequest(route.upstreamName(), request.arguments(), request.meta());
                return forward(session, route.upstream(), conn -> conn.client().getPrompt(forwarded));
            });
        }));
        handlers.put(McpSchema.METHOD_COMPLETION_COMPLETE, withSession((session, exchange, params) -> {
            McpSchema.CompleteRequest request = parse(params, new TypeRef<McpSchema.CompleteRequest>() {});
            return session.catalog(exchange).flatMap(c -> complete(session, c, request));
        }));
        handlers.put(McpSchema.METHOD_LOGGING_SET_LEVEL, withSession((session, exchange, params) -> {
            McpSchema.SetLevelRequest request = parse(params, new TypeRef<McpSchema.SetLevelRequest>() {});
            return session.setLoggingLevel(request.level()).thenReturn(Map.of());
        }));
        return handlers;
    }

    private Map<String, McpNotificationHandler> notificationHandlersMap() {
        Map<String, McpNotificationHandler> handlers = new HashMap<>();
        handlers.put(McpSchema.METHOD_NOTIFICATION_INITIALIZED, (exchange, params) -> Mono.empty());
        handlers.put(
                McpSchema.METHOD_NOTIFICATION_ROOTS_LIST_CHANGED, (exchange, params) -> session(exchange.sessionId())
                        .map(s -> s.rootsChanged(exchange).onErrorResume(e -> Mono.empty()))
                        .orElseGet(Mono::empty));
        handlers.put("notifications/cancelled", (exchange, params) -> {
            Map<String, Object> cancel = parse(params, new TypeRef<Map<String, Object>>() {});
            Object requestId = cancel.get("requestId");
            Object reason = cancel.get("reason");
            session(exchange.sessionId())
                    .ifPresent(s -> s.cancel(requestId, reason == null ? null : reason.toString()));
            return Mono.empty();
        });
        return handlers;
    }

    private Mono<McpSchema.CallToolResult> callTool(
            GatewaySession session, McpAsyncServerExchange exchange, McpSchema.CallToolRequest request) {
        return callTool(session, exchange, request, true);
    }

    /** @param mayRetry whether a refusal that a held token can fix may retry the call once */
    private Mono<McpSchema.CallToolResult> callTool(
            GatewaySession session,
            McpAsyncServerExchange exchange,
            McpSchema.CallToolRequest request,
            boolean mayRetry) {
        Mono<McpSchema.CallToolResult> again =
                Mono.defer(() -> mayRetry ? callTool(session, exchange, request, false) : Mono.empty());
        return session.catalog(exchange).flatMap(catalog -> {
            if (PorticoTools.AUTH_STATUS_TOOL.equals(request.name())) {
                return Mono.just(PorticoTools.statusResult(session));
            }
            if (PorticoTools.LOGOUT_TOOL.equals(request.name())) {
                return signOut(session, request.arguments());
            }
            Optional<SessionUpstream> signInTarget = PorticoTools.authenticateTarget(session, request.name());
            if (signInTarget.isPresent()) {
                return authenticate(session, signInTarget.get());
            }
            Optional<Route> route = catalog.tool(request.name());
            if (route.isEmpty()) {
                return session.upstreamForExposedName(request.name())
                        .filter(u -> u.state() != SessionUpstream.State.READY)
                        .map(u -> (u.state() == SessionUpstream.State.AUTH_REQUIRED
                                        ? afterRefusal(session, u, again, true)
                                        : notSent(request.name(), u))
                                .contextWrite(context -> LogFields.of(context)
                                        .forCall(u.name(), request.name())
                                        .into(context)))
                        .orElseGet(() -> Mono.error(invalidParams("Unknown tool: " + request.name())));
            }
            Optional<SessionUpstream> owner = session.upstream(route.get().upstream());
            if (owner.isEmpty()) {
                return Mono.just(toolError(noLongerConfigured(route.get().upstream())));
            }
            SessionUpstream target = owner.get();
            McpSchema.CallToolRequest forwarded =
                    new McpSchema.CallToolRequest(route.get().upstreamName(), request.arguments(), request.meta());
            return Mono.deferContextual(context -> {
                LogFields fields = LogFields.of(context).forCall(route.get().upstream(), request.name());
                CallLog callLog =
                        new CallLog(fields, request.name(), route.get().upstream());
                InFlightCall call =
                        session.begin(DownstreamRequestIds.of(context).orElse(null), exchange, request.progressToken());
                return metrics.toolCall(
                                route.get().upstream(),
                                forward(
                                        session,
                                        route.get().upstream(),
                                        conn -> conn.callTool(forwarded, call.cancellation())))
                        .doOnNext(result -> {
                            session.callAccepted(target);
                            callLog.answered(result);
                        })
                        .onErrorResume(UpstreamCallException.class, e -> {
                            callLog.failed(e.failure());
                            return switch (e.failure().kind()) {
                                case PROTOCOL_ERROR -> Mono.error(e.getCause());
                                case UNAUTHORIZED -> e.failure().refusesThisRequestOnly()
                                        ? afterStepUpRefusal(session, target, e.failure(), again)
                                        : afterRefusal(session, target, again, true);
                                default -> Mono.just(toolError(e.failure().message()));
                            };
                        })
                        // Empty: cancelled. By the client, it gets no answer (MCP cancellation); by a stop, it is told.
                        .switchIfEmpty(Mono.defer(() -> {
                            callLog.cancelled(call.abandonedBecause());
                            return call.abandonedBecause()
                                    .map(reason -> Mono.just(toolError(reason + "; the call to "
                                            + route.get().upstream() + " was cancelled before it finished."
                                            + " Try again once Portico is back.")))
                                    .orElseGet(Mono::empty);
                        }))
                        .doFinally(signal -> session.end(call))
                        .contextWrite(fields::into);
            });
        });
    }

    /** A call to an upstream that is down: not sent, answered with a tool error naming the upstream and why. */
    private Mono<McpSchema.CallToolResult> notSent(String toolName, SessionUpstream upstream) {
        String reason = upstream.failure()
                .map(UpstreamFailure::message)
                .orElse("upstream '" + upstream.name() + "' is not connected");
        return Mono.deferContextual(context -> {
            new CallLog(LogFields.of(context), toolName, upstream.name()).notSent(reason);
            return Mono.just(toolError(reason));
        });
    }

    /** Notes, with the request's fields, that the answer is a sign-in challenge (the broker logs how it began). */
    private static Mono<McpSchema.CallToolResult> challenged(
            SessionUpstream upstream, Mono<McpSchema.CallToolResult> answer) {
        return Mono.deferContextual(context -> {
            LogFields.of(context)
                    .run(() -> log.info("Answering with a sign-in challenge for upstream '{}'", upstream.name()));
            return answer;
        });
    }

    private Mono<McpSchema.CallToolResult> signOut(GatewaySession session, Map<String, Object> arguments) {
        Optional<String> server;
        try {
            server = PorticoTools.logoutTarget(arguments);
        } catch (IllegalArgumentException e) {
            return Mono.just(toolError("Cannot sign out: " + e.getMessage() + "."));
        }
        return session.signOut(server)
                .map(result -> PorticoTools.signedOut(server, result))
                .onErrorResume(
                        IllegalArgumentException.class,
                        e -> Mono.just(toolError("Cannot sign out: " + e.getMessage() + ".")));
    }

    private Mono<McpSchema.CallToolResult> authenticate(GatewaySession session, SessionUpstream upstream) {
        if (upstream.state() != SessionUpstream.State.AUTH_REQUIRED) {
            return Mono.just(McpSchema.CallToolResult.builder()
                    .addTextContent("Server " + upstream.name() + " does not need a sign-in now.")
                    .build());
        }
        // The client asked for the link itself: it gets the link as a result, whatever it could do with a prompt.
        return afterRefusal(session, upstream, Mono.empty(), false);
    }

    /**
     * What the client gets when {@code upstream} refused this session: the call again once a held token reconnected
     * it ({@code retry}), a sign-in challenge, or an error saying why no sign-in can help.
     *
     * @param prompt whether the challenge takes the form the client prefers ({@link SignInPrompt}) rather than a
     *     tool result
     */
    private Mono<McpSchema.CallToolResult> afterRefusal(
            GatewaySession session, SessionUpstream upstream, Mono<McpSchema.CallToolResult> retry, boolean prompt) {
        return session.signInStep(upstream).flatMap(step -> {
            if (step instanceof SignInStep.Challenge) {
                AuthChallenge challenge = ((SignInStep.Challenge) step).challenge();
                challengeShown.accept(challenge);
                return challenged(
                        upstream,
                        prompt ? SignInPrompt.answer(session, challenge) : Mono.just(challenge.toToolResult()));
            }
            if (step instanceof SignInStep.Refused) {
                return Mono.just(toolError(
                        "Cannot sign in to " + upstream.name() + ": " + ((SignInStep.Refused) step).reason()));
            }
            return upstream.reconnectNow()
                    .then(retry)
                    .switchIfEmpty(Mono.fromSupplier(() -> McpSchema.CallToolResult.builder()
                            .addTextContent(
                                    "Signed in to " + upstream.name() + " with this session's existing sign-in.")
                            .build()));
        });
    }

    /**
     * What the client gets when the connected {@code upstream} refused one call for lack of scope: a step-up
     * sign-in challenge, the call again when a held token already has the scopes, or why no sign-in can help.
     */
    private Mono<McpSchema.CallToolResult> afterStepUpRefusal(
            GatewaySession session,
            SessionUpstream upstream,
            UpstreamFailure failure,
            Mono<McpSchema.CallToolResult> retry) {
        return session.stepUpStep(upstream, failure).flatMap(step -> {
            if (step instanceof SignInStep.Challenge) {
                AuthChallenge challenge = ((SignInStep.Challenge) step).challenge();
                challengeShown.accept(challenge);
                return challenged(upstream, SignInPrompt.answer(session, challenge));
            }
            if (step instanceof SignInStep.Refused) {
                return Mono.just(toolError(((SignInStep.Refused) step).reason()));
            }
            return retry.switchIfEmpty(Mono.fromSupplier(() -> toolError(failure.message())));
        });
    }

    private Mono<McpSchema.CompleteResult> complete(
            GatewaySession session, MergedCatalog catalog, McpSchema.CompleteRequest request) {
        if (request.ref() instanceof McpSchema.PromptReference prompt) {
            Route route =
                    catalog.prompt(prompt.name()).orElseThrow(() -> invalidParams("Unknown prompt: " + prompt.name()));
            McpSchema.CompleteRequest forwarded = new McpSchema.CompleteRequest(
                    new McpSchema.PromptReference(prompt.type(), route.upstreamName(), prompt.title()),
                    request.argument(),
                    request.meta(),
                    request.context());
            return forward(session, route.upstream(), conn -> conn.client().completeCompletion(forwarded));
        }
        if (request.ref() instanceof McpSchema.ResourceReference resource) {
            String owner = catalog.templateOwner(resource.uri())
                    .or(() -> catalog.resourceOwner(resource.uri()))
                    .orElseThrow(() -> invalidParams("Unknown resource template: " + resource.uri()));
            return forward(session, owner, conn -> conn.client().completeCompletion(request));
        }
        return Mono.error(invalidParams("Unsupported completion reference"));
    }

    private <T> Mono<T> forwardByResource(
            GatewaySession session,
            McpAsyncServerExchange exchange,
            String uri,
            Function<dev.portico.transport.upstream.UpstreamConnection, Mono<T>> call) {
        return session.catalog(exchange).flatMap(c -> c.resourceOwner(uri)
                .map(owner -> forward(session, owner, call))
                .orElseGet(() -> Mono.error(McpError.RESOURCE_NOT_FOUND.apply(uri))));
    }

    /** Forwards to a named upstream; Portico-side failures become JSON-RPC errors, upstream errors pass through. */
    private <T> Mono<T> forward(
            GatewaySession session,
            String upstream,
            Function<dev.portico.transport.upstream.UpstreamConnection, Mono<T>> call) {
        Optional<SessionUpstream> target = session.upstream(upstream);
        if (target.isEmpty()) {
            return Mono.error(invalidParams(noLongerConfigured(upstream)));
        }
        return target.get().request(call).onErrorMap(UpstreamCallException.class, e -> {
            if (e.failure().kind() == UpstreamFailure.Kind.PROTOCOL_ERROR && e.getCause() instanceof McpError) {
                return e.getCause();
            }
            return e;
        });
    }

    /**
     * For a request that raced a config reload: the catalog it was routed by named an upstream the reload removed.
     */
    private static String noLongerConfigured(String upstream) {
        return "Server '" + upstream + "' was removed from Portico's configuration; list the tools again.";
    }

    private static McpSchema.CallToolResult toolError(String message) {
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(message)
                .build();
    }

    private static McpError invalidParams(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message(message)
                .build();
    }

    private <T> T parse(Object params, TypeRef<T> type) {
        try {
            return json.convertValue(params, type);
        } catch (RuntimeException e) {
            throw invalidParams(
                    "Invalid params: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** A request handler that needs the caller's {@link GatewaySession}. */
    @FunctionalInterface
    private interface SessionHandler<T> {
        Mono<T> handle(GatewaySession session, McpAsyncServerExchange exchange, Object params);
    }

    /**
     * The request's {@link LogFields} (its id, trace-id and the session) go into the Reactor context for whatever
     * logs on its behalf further in, and into the MDC while the handler assembles its answer.
     */
    private <T> McpRequestHandler<T> withSession(SessionHandler<T> handler) {
        return (exchange, params) -> Mono.deferContextual(context -> {
            GatewaySession session = sessions.get(exchange.sessionId());
            if (session == null) {
                return Mono.error(McpError.builder(McpSchema.ErrorCodes.INVALID_REQUEST)
                        .message("Unknown session")
                        .build());
            }
            if (!inFlight.tryEnter()) {
                return Mono.error(McpError.builder(STOPPING)
                        .message("Portico is stopping and takes no new requests; try again in a moment")
                        .build());
            }
            session.seen(exchange);
            LogFields fields =
                    LogFields.forRequest(context, session.downstream().logId());
            Mono<T> answer = Mono.defer(() -> fields.get(() -> handler.handle(session, exchange, params)));
            Mono<T> stopped = gracePeriodOver
                    .asMono()
                    .flatMap(reason -> Mono.error(McpError.builder(STOPPING)
                            .message(reason + "; the request was cancelled before it was answered")
                            .build()));
            return Mono.firstWithSignal(answer, stopped)
                    .doFinally(signal -> inFlight.exit())
                    .contextWrite(fields::into);
        });
    }
}
