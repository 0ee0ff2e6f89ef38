package dev.portico.aggregator.session;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import java.util.Optional;
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
    private volatile String abandonedBecause;

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

    /**
     * Cancels this call for a reason of Portico's own (it is stopping): unlike a client's cancellation, the client
     * is still waiting for an answer and must be told {@link #abandonedBecause() why}.
     */
    void abandon(String reason) {
        abandonedBecause = reason;
        cancel(reason);
    }

    /** Why Portico cancelled this call itself, if it did. */
    public Optional<String> abandonedBecause() {
        return Optional.ofNullable(abandonedBecause);
    }
}
