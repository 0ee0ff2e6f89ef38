package dev.portico.aggregator.metrics;

import dev.portico.aggregator.session.UpstreamCallException;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Locale;

/** How a tool call forwarded to an upstream ended: the {@code outcome} label of the tool call meters. */
enum ToolCallOutcome {
    /** The upstream answered with a result. */
    OK,
    /** The upstream answered with a result marked {@code isError}: the tool ran and failed. */
    TOOL_ERROR,
    /** The upstream refused the call (HTTP 401 or 403): a sign-in or more scopes are needed. */
    UNAUTHORIZED,
    /** No answer within the upstream's {@code timeout}. */
    TIMEOUT,
    /** The upstream could not be reached, answered with a JSON-RPC error, or sent something unusable. */
    ERROR,
    /** Cancelled before the upstream answered: by the client, or because Portico is stopping. */
    CANCELLED;

    private final String label = name().toLowerCase(Locale.ROOT);

    String label() {
        return label;
    }

    static ToolCallOutcome of(McpSchema.CallToolResult result) {
        return Boolean.TRUE.equals(result.isError()) ? TOOL_ERROR : OK;
    }

    static ToolCallOutcome of(Throwable error) {
        if (error instanceof UpstreamCallException call) {
            UpstreamFailure.Kind kind = call.failure().kind();
            if (kind == UpstreamFailure.Kind.UNAUTHORIZED) {
                return UNAUTHORIZED;
            }
            if (kind == UpstreamFailure.Kind.TIMEOUT) {
                return TIMEOUT;
            }
        }
        return ERROR;
    }
}
