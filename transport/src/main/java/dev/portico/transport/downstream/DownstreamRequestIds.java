package dev.portico.transport.downstream;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * The JSON-RPC id of the downstream request a handler is serving.
 *
 * <p>The SDK's request handlers see only the params, but {@code notifications/cancelled} names the request to
 * cancel by id. For legacy SSE and stdio the sessions created by this package put the id into the Reactor context of
 * each request; for streamable HTTP, where the SDK dispatches differently, {@link RequestIdFilter} reads it from the
 * body and {@link DownstreamTransportContext} puts it into the transport context.
 */
public final class DownstreamRequestIds {

    private static final String KEY = DownstreamRequestIds.class.getName();

    /** Where {@link RequestIdFilter} leaves the id for streamable HTTP, inside the SDK's transport context. */
    static final String TRANSPORT_CONTEXT_KEY = "portico.jsonrpc.id";

    private DownstreamRequestIds() {}

    /** The id of the request whose handler subscribes to the returned Mono; empty outside a request. */
    public static Mono<Optional<Object>> current() {
        return Mono.deferContextual(ctx -> Mono.just(of(ctx)));
    }

    /** The id of the request whose Reactor context this is; empty outside a request. */
    public static Optional<Object> of(ContextView ctx) {
        return ctx.getOrEmpty(KEY).or(() -> ctx.<McpTransportContext>getOrEmpty(McpTransportContext.KEY)
                .map(transport -> transport.get(TRANSPORT_CONTEXT_KEY)));
    }

    static Context with(Context context, Object requestId) {
        return requestId == null ? context : context.put(KEY, requestId);
    }
}
