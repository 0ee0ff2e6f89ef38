package dev.portico.transport.downstream;

import io.modelcontextprotocol.server.McpInitRequestHandler;
import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import io.modelcontextprotocol.spec.McpServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Session factories for the SDK's transport providers that route every session to a {@link DownstreamHandler}.
 *
 * <p>The sessions they create are the SDK's own, extended only to put the JSON-RPC request id into the Reactor
 * context (see {@link DownstreamRequestIds}).
 */
final class SessionFactories {

    /**
     * How long Portico waits for a client to answer a request Portico forwarded to it (sampling, elicitation,
     * roots). Sampling and elicitation may wait for a human, so this is generous; the upstream's own timeout still
     * bounds the call that caused the request.
     */
    static final Duration CLIENT_REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Logger log = LoggerFactory.getLogger(SessionFactories.class);

    private SessionFactories() {}

    /**
     * Notification handlers whose failures stop at the handler. JSON-RPC 2.0 §4.1: the server MUST NOT reply to a
     * notification, not even with an error; yet the SDK lets a failing notification handler reach its servlet, which
     * answers the POST with 500 and the exception. A malformed notification (say, {@code notifications/cancelled}
     * whose params are not an object) is logged and dropped, and the POST gets 202 like any other notification.
     */
    static Map<String, McpNotificationHandler> unanswered(Map<String, McpNotificationHandler> handlers) {
        Map<String, McpNotificationHandler> wrapped = new LinkedHashMap<>();
        handlers.forEach((method, handler) ->
                wrapped.put(method, (exchange, params) -> Mono.defer(() -> handler.handle(exchange, params))
                        .onErrorResume(e -> {
                            log.debug("Dropped notification {}: {}", method, e.getMessage());
                            return Mono.empty();
                        })));
        return wrapped;
    }

    /**
     * A streamable HTTP session id: 128 random bits, hex. Streamable HTTP treats the id as the session's only
     * credential, so it must be unguessable.
     */
    static String newSessionId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * A factory for streamable HTTP sessions. The SDK calls it on the thread of the {@code initialize} request, so
     * {@code principals} knows who the session is for.
     */
    static McpStreamableServerSession.Factory streamable(
            DownstreamHandler handler, List<String> protocolVersions, SessionPrincipals principals) {
        return initializeRequest -> {
            String id = newSessionId();
            Optional<String> principal = principals.current();
            principals.bind(id, principal);
            McpStreamableServerSession session = new RequestIdStreamableSession(
                    id,
                    initializeRequest.capabilities(),
                    initializeRequest.clientInfo(),
                    handler,
                    () -> Mono.fromRunnable(() -> {
                        principals.forget(id);
                        handler.sessionClosed(id);
                    }));
            String version = ProtocolVersionNegotiation.choose(protocolVersions, initializeRequest.protocolVersion());
            handler.sessionOpened(new DownstreamSession(
                    id,
                    DownstreamTransportKind.STREAMABLE_HTTP,
                    version,
                    initializeRequest.capabilities(),
                    initializeRequest.clientInfo(),
                    session,
                    principal));
            Mono<McpSchema.InitializeResult> result = Mono.fromSupplier(() -> handler.initializeResult(version));
            return new McpStreamableServerSession.McpStreamableServerSessionInit(session, result);
        };
    }

    /**
     * A factory for the one-transport-per-session providers (legacy SSE, stdio). {@code created} learns of each new
     * session, so an endpoint can tie the session's end to its connection. The SDK calls it on the thread of the
     * request that opens the connection ({@code GET /sse}), so {@code principals} knows who the session is for. The
     * SDK names the session to its client with an id of its own, which the authentication filter binds.
     */
    static McpServerSession.Factory perConnection(
            DownstreamTransportKind kind,
            DownstreamHandler handler,
            List<String> protocolVersions,
            SessionPrincipals principals,
            Consumer<McpServerSession> created) {
        return transport -> {
            String id = newSessionId();
            Optional<String> principal = principals.current();
            AtomicReference<McpServerSession> self = new AtomicReference<>();
            McpInitRequestHandler init = request -> Mono.fromSupplier(() -> {
                String version = ProtocolVersionNegotiation.choose(protocolVersions, request.protocolVersion());
                handler.sessionOpened(new DownstreamSession(
                        id, kind, version, request.capabilities(), request.clientInfo(), self.get(), principal));
                return handler.initializeResult(version);
            });
            McpServerSession session = new RequestIdServerSession(id, transport, init, handler);
            self.set(session);
            created.accept(session);
            return session;
        };
    }

    private static final class RequestIdServerSession extends McpServerSession {

        RequestIdServerSession(
                String id, McpServerTransport transport, McpInitRequestHandler init, DownstreamHandler handler) {
            super(
                    id,
                    CLIENT_REQUEST_TIMEOUT,
                    transport,
                    init,
                    handler.requestHandlers(),
                    unanswered(handler.notificationHandlers()),
                    () -> Mono.fromRunnable(() -> handler.sessionClosed(id)));
        }

        @Override
        public Mono<Void> handle(McpSchema.JSONRPCMessage message) {
            Mono<Void> handled = super.handle(message);
            if (message instanceof McpSchema.JSONRPCRequest request) {
                return handled.contextWrite(ctx -> DownstreamRequestIds.with(ctx, request.id()));
            }
            return handled;
        }
    }

    private static final class RequestIdStreamableSession extends McpStreamableServerSession {

        RequestIdStreamableSession(
                String id,
                McpSchema.ClientCapabilities capabilities,
                McpSchema.Implementation clientInfo,
                DownstreamHandler handler,
                java.util.function.Supplier<Mono<Void>> onClose) {
            super(
                    id,
                    capabilities,
                    clientInfo,
                    CLIENT_REQUEST_TIMEOUT,
                    handler.requestHandlers(),
                    unanswered(handler.notificationHandlers()),
                    onClose);
        }

        @Override
        public Mono<Void> responseStream(McpSchema.JSONRPCRequest request, McpStreamableServerTransport transport) {
            return super.responseStream(request, transport)
                    .contextWrite(ctx -> DownstreamRequestIds.with(ctx, request.id()));
        }
    }
}
