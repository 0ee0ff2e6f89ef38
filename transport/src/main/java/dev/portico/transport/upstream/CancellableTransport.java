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

    private final McpClientTransport delegate;
    private final Map<Object, Object> idsByParams = Collections.synchronizedMap(new IdentityHashMap<>());

    CancellableTransport(McpClientTransport delegate) {
        this.delegate = delegate;
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

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return delegate.connect(handler);
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
