package dev.portico.transport.downstream;

import java.util.Optional;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The JSON-RPC id of the downstream request a handler is serving.
 *
 * <p>The SDK's request handlers see only the params, but {@code notifications/cancelled} names the request to
 * cancel by id, so the sessions created by this package put the id into the Reactor context of each request.
 */
public final class DownstreamRequestIds {

    private static final String KEY = DownstreamRequestIds.class.getName();

    private DownstreamRequestIds() {}

    /** The id of the request whose handler subscribes to the returned Mono; empty outside a request. */
    public static Mono<Optional<Object>> current() {
        return Mono.deferContextual(ctx -> Mono.just(ctx.getOrEmpty(KEY)));
    }

    static Context with(Context context, Object requestId) {
        return requestId == null ? context : context.put(KEY, requestId);
    }
}
