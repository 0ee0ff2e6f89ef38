package dev.portico.transport.downstream;

import dev.portico.transport.tracecontext.TraceContext;
import io.modelcontextprotocol.common.McpTransportContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's transport context extractor for Portico's HTTP endpoints: what a POST to {@code /mcp} or {@code /message}
 * tells the handlers beyond its body.
 *
 * <ul>
 *   <li>the JSON-RPC id that {@link RequestIdFilter} read from the body, under {@link
 *       DownstreamRequestIds#TRANSPORT_CONTEXT_KEY};
 *   <li>the W3C trace context of the request, when its {@code traceparent} is valid, under {@link
 *       TraceContext#TRANSPORT_CONTEXT_KEY}. The upstream transports find it there and forward it.
 * </ul>
 */
final class DownstreamTransportContext {

    private DownstreamTransportContext() {}

    static McpTransportContext extract(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        Object id = request.getAttribute(RequestIdFilter.ATTRIBUTE);
        if (id != null) {
            values.put(DownstreamRequestIds.TRANSPORT_CONTEXT_KEY, id);
        }
        TraceContext.parse(headers(request, TraceContext.TRACEPARENT), headers(request, TraceContext.TRACESTATE))
                .ifPresent(trace -> values.put(TraceContext.TRANSPORT_CONTEXT_KEY, trace));
        return values.isEmpty() ? McpTransportContext.EMPTY : McpTransportContext.create(values);
    }

    private static List<String> headers(HttpServletRequest request, String name) {
        return Collections.list(request.getHeaders(name));
    }
}
