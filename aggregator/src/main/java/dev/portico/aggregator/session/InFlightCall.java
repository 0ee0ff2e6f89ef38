package dev.portico.aggregator.session;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A downstream request Portico is forwarding: its id (to match {@code notifications/cancelled}), the exchange that
 * carries it (for progress and for requests the upstream sends back) and its progress token.
 */
public final class InFlightCall {

    private final Object requestId;
    private final McpAsyncServerExchange exchange;
    private final Object progressToken;
    private final Sinks.One<String> cancelled = Sinks.one();

    InFlightCall(Object requestId, McpAsyncServerExchange exchange, Object progressToken) {
        this.requestId = requestId;
        this.exchange = exchange;
        this.progressToken = progressToken;
    }

    public Object requestId() {
        return requestId;
    }

    public McpAsyncServerExchange exchange() {
        return exchange;
    }

    public Object progressToken() {
        return progressToken;
    }

    /** Emits the reason once the client cancelled this request. */
    public Mono<String> cancellation() {
        return cancelled.asMono();
    }

    void cancel(String reason) {
        cancelled.tryEmitValue(reason == null ? "cancelled by the client" : reason);
    }
}
