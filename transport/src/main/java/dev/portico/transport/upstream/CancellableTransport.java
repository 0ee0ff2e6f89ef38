package dev.portico.transport.upstream;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * A client transport that learns the JSON-RPC id the SDK gives to chosen requests, so that Portico can send the
 * upstream {@code notifications/cancelled} for them (MCP basic/utilities/cancellation). The SDK client neither
 * exposes request ids nor sends cancellations itself.
 *
 * <p>Requests are recognised by the identity of their params object, which the caller creates for the one call.
 */
final class CancellableTransport implements McpClientTransport {

    static final String CANCELLED = "notifications/cancelled";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CancellableTransport.class);

    private final McpClientTransport delegate;
    private final DirectToolCalls direct;
    private final Map<Object, Object> idsByParams = Collections.synchronizedMap(new IdentityHashMap<>());

    /** @param direct the connection's direct calls, or null when it makes none */
    CancellableTransport(McpClientTransport delegate, DirectToolCalls direct) {
        this.delegate = delegate;
        this.direct = direct;
    }

    McpClientTransport delegate() {
        return delegate;
    }

    /** Starts watching for the request whose params are {@code params}. */
    void watch(Object params) {
        idsByParams.put(params, Watching.INSTANCE);
    }

    void forget(Object params) {
        idsByParams.remove(params);
    }

    /** Sends {@code notifications/cancelled} for the watched request, if it was sent. */
    Mono<Void> cancel(Object params, String reason) {
        Object id = idsByParams.remove(params);
        if (id == null || id == Watching.INSTANCE) {
            return Mono.empty();
        }
        return cancelRequest(id, reason);
    }

    /** Sends {@code notifications/cancelled} for request {@code id}. */
    Mono<Void> cancelRequest(Object id, String reason) {
        return delegate.sendMessage(new McpSchema.JSONRPCNotification(
                CANCELLED, reason == null ? Map.of("requestId", id) : Map.of("requestId", id, "reason", reason)));
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request && request.params() != null) {
            idsByParams.computeIfPresent(request.params(), (params, old) -> request.id());
        }
        return delegate.sendMessage(message);
    }

    /**
     * Every incoming message passes {@code direct} first, which takes the answers to its own calls; the rest, and the
     * messages {@code direct} reads from its calls' streams that are not their answers, go to the SDK's session.
     */
    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        if (direct == null) {
            return delegate.connect(handler);
        }
        direct.othersTo(message -> handler.apply(Mono.just(message))
                .subscribe(null, e -> log.debug("Upstream message not handled: {}", e.getMessage())));
        return delegate.connect(incoming ->
                incoming.flatMap(message -> direct.answer(message) ? Mono.empty() : handler.apply(Mono.just(message))));
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
        delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }

    private enum Watching {
        INSTANCE
    }
}
