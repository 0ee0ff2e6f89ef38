package dev.portico.aggregator.gateway;

import dev.portico.aggregator.logging.LogFields;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per tool call Portico routes to an upstream, saying how it ended, written with the call's {@link
 * LogFields} in the MDC whatever thread the answer arrived on. INFO when an answer came from the upstream (a result,
 * a tool error, a JSON-RPC error, a refusal that a sign-in follows), WARN when Portico could not get one.
 *
 * <p>Only the names and the failure's message, which the client is shown too: never arguments or results, which may
 * hold anything.
 */
final class CallLog {

    private static final Logger log = LoggerFactory.getLogger(CallLog.class);

    private final LogFields fields;
    private final String tool;
    private final String upstream;

    CallLog(LogFields fields, String tool, String upstream) {
        this.fields = fields;
        this.tool = LogFields.loggable(tool); // the client's text, unless it named a known tool
        this.upstream = upstream;
    }

    void answered(McpSchema.CallToolResult result) {
        boolean toolError = Boolean.TRUE.equals(result.isError());
        fields.run(() -> log.info(
                "Tool call {} answered by upstream '{}'{}", tool, upstream, toolError ? " with a tool error" : ""));
    }

    void failed(UpstreamFailure failure) {
        fields.run(() -> {
            switch (failure.kind()) {
                case PROTOCOL_ERROR -> log.info(
                        "Tool call {} answered by upstream '{}' with a JSON-RPC error: {}",
                        tool,
                        upstream,
                        failure.message());
                case UNAUTHORIZED -> log.info(
                        "Tool call {} refused by upstream '{}' with HTTP {}; a sign-in decides what follows",
                        tool,
                        upstream,
                        failure.status());
                default -> log.warn("Tool call {} to upstream '{}' failed: {}", tool, upstream, failure.message());
            }
        });
    }

    void cancelled(Optional<String> reason) {
        fields.run(() -> log.info(
                "Tool call {} to upstream '{}' cancelled{}",
                tool,
                upstream,
                reason.map(r -> ": " + r).orElse(" by the client")));
    }

    void notSent(String reason) {
        fields.run(() -> log.warn("Tool call {} not sent to upstream '{}': {}", tool, upstream, reason));
    }
}
