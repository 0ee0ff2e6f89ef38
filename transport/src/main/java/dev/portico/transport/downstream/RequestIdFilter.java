package dev.portico.transport.downstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands in front of the SDK's MCP servlets ({@code /mcp} and the legacy {@code /message}) so that a client's bad
 * input gets a JSON-RPC 2.0 answer and nothing else.
 *
 * <ul>
 *   <li>The body of a POST is buffered once, up to {@code maxBodyBytes}; a larger body is refused with 413 before
 *       anything parses it, which also bounds what one client can make Portico hold in memory.
 *   <li>A body that is not one well-formed JSON-RPC 2.0 message is refused with 400 and a parse error or invalid
 *       request error (see {@link InboundMessage}); the SDK never sees it, so the session is untouched.
 *   <li>The JSON-RPC id of a request is noted (see {@link DownstreamRequestIds}): the SDK's streamable provider hands
 *       a request to the session without its id reaching the handler, yet {@code notifications/cancelled} names
 *       requests by id.
 *       {@link DownstreamTransportContext} hands it to the SDK.
 *   <li>Error bodies the SDK writes itself (missing or unknown session, wrong {@code Accept} header) are the Java
 *       exception serialized field by field, stack trace included; they are replaced by a JSON-RPC error response
 *       with the same status and message ({@code -32600} for a 4xx, {@code -32603} and no detail for a 5xx).
 * </ul>
 */
final class RequestIdFilter implements Filter {

    static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    private static final Logger log = LoggerFactory.getLogger(RequestIdFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxBodyBytes;
    private final boolean postsOnly;

    RequestIdFilter(int maxBodyBytes) {
        this(maxBodyBytes, false);
    }

    private RequestIdFilter(int maxBodyBytes, boolean postsOnly) {
        this.maxBodyBytes = maxBodyBytes;
        this.postsOnly = postsOnly;
    }

    /** Checks POSTs as this filter does, and lets every other request through untouched (for {@code /sse}). */
    static RequestIdFilter postsOnly(int maxBodyBytes) {
        return new RequestIdFilter(maxBodyBytes, true);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
            chain.doFilter(request, response);
            return;
        }
        if (!"POST".equalsIgnoreCase(http.getMethod()) && postsOnly) {
            chain.doFilter(request, response);
            return;
        }
        if (!"POST".equalsIgnoreCase(http.getMethod())) {
            JsonRpcErrorBodies errors = new JsonRpcErrorBodies(httpResponse, null);
            chain.doFilter(request, errors);
            errors.finish();
            return;
        }
        byte[] body = http.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            refuse(
                    httpResponse,
                    413,
                    InboundMessage.INVALID_REQUEST,
                    "Request body larger than " + maxBodyBytes + " bytes",
                    null);
            return;
        }
        InboundMessage message = InboundMessage.of(body);
        Optional<InboundMessage.Refusal> refusal = message.refusal();
        if (refusal.isPresent()) {
            log.debug(
                    "Refused a POST to {}: {}",
                    http.getRequestURI(),
                    refusal.get().message());
            refuse(
                    httpResponse,
                    400,
                    refusal.get().code(),
                    refusal.get().message(),
                    refusal.get().id());
            return;
        }
        JsonNode id = message.id();
        if (id != null) {
            http.setAttribute(ATTRIBUTE, id.isTextual() ? id.textValue() : id.numberValue());
        }
        JsonRpcErrorBodies errors = new JsonRpcErrorBodies(httpResponse, id);
        BufferedRequest buffered = new BufferedRequest(http, body);
        if (postsOnly) {
            chain.doFilter(buffered, errors);
        } else {
            // The SDK's servlets answer /mcp and /message POSTs on this thread, holding it until the answer is sent.
            WaitingRequestThreads.doFilter(chain, buffered, errors);
        }
        errors.finish();
    }

    private static void refuse(HttpServletResponse response, int status, int code, String message, JsonNode id)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(InboundMessage.errorResponse(code, message, id));
    }

    /**
     * Catches what the SDK writes through {@link #getWriter()} once an error status is set (the SDK sets the status
     * first), and writes a JSON-RPC error response instead when the request returns. Successful answers, including
     * the asynchronous SSE streams, pass straight through.
     */
    private static final class JsonRpcErrorBodies extends HttpServletResponseWrapper {
        private final JsonNode id;
        private StringWriter captured;
        private PrintWriter capturing;

        JsonRpcErrorBodies(HttpServletResponse response, JsonNode id) {
            super(response);
            this.id = id;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (capturing == null && getStatus() >= 400 && !isCommitted()) {
                captured = new StringWriter();
                capturing = new PrintWriter(captured);
            }
            return capturing != null ? capturing : super.getWriter();
        }

        void finish() throws IOException {
            if (captured == null || isCommitted()) {
                return;
            }
            int status = getStatus();
            String message = status >= 500 ? "Internal error" : sdkMessage(captured.toString());
            int code = status >= 500 ? InboundMessage.INTERNAL_ERROR : InboundMessage.INVALID_REQUEST;
            HttpServletResponse response = (HttpServletResponse) getResponse();
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.getWriter().write(InboundMessage.errorResponse(code, message, id));
        }

        /** The message of the serialized {@code McpError} the SDK wrote, or a generic one. */
        private static String sdkMessage(String body) {
            try {
                JsonNode error = JSON.readTree(body);
                String message = error.path("jsonRpcError").path("message").textValue();
                if (message == null) {
                    message = error.path("message").textValue();
                }
                return message == null || message.isBlank() ? "Invalid Request" : message;
            } catch (IOException | RuntimeException e) {
                return "Invalid Request";
            }
        }
    }
}
