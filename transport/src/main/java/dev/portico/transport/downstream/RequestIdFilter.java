package dev.portico.transport.downstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.modelcontextprotocol.common.McpTransportContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the JSON-RPC id of a streamable HTTP POST before the SDK does, so request handlers can learn it (see {@link
 * DownstreamRequestIds}). The SDK's streamable provider hands a request to the session without its id reaching the
 * handler, yet {@code notifications/cancelled} names requests by id.
 *
 * <p>The body is buffered once, up to {@code maxBodyBytes}; a larger body is refused with 413 before anything parses
 * it, which also bounds what one client can make Portico hold in memory.
 */
final class RequestIdFilter implements Filter {

    static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";

    private static final JsonFactory JSON = new JsonFactory();

    private final int maxBodyBytes;

    RequestIdFilter(int maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Copies the id into the transport context that the SDK passes to handlers. */
    static McpTransportContext transportContext(HttpServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        return id == null
                ? McpTransportContext.EMPTY
                : McpTransportContext.create(Map.of(DownstreamRequestIds.TRANSPORT_CONTEXT_KEY, id));
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !"POST".equalsIgnoreCase(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = http.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            HttpServletResponse httpResponse = (HttpServletResponse) response;
            httpResponse.setStatus(413);
            httpResponse.setContentType("application/json");
            httpResponse
                    .getWriter()
                    .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                            + "\"message\":\"Request body larger than " + maxBodyBytes + " bytes\"}}");
            return;
        }
        Object id = topLevelId(body);
        if (id != null) {
            http.setAttribute(ATTRIBUTE, id);
        }
        chain.doFilter(new BufferedRequest(http, body), response);
    }

    /** The top-level {@code id} of a single JSON-RPC message, or null (notification, batch, not JSON). */
    static Object topLevelId(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(field)) {
                    return switch (value) {
                        case VALUE_NUMBER_INT -> parser.getNumberValue();
                        case VALUE_STRING -> parser.getText();
                        default -> null;
                    };
                }
                parser.skipChildren();
            }
            return null;
        } catch (IOException e) {
            return null; // the SDK answers malformed JSON with its own error
        }
    }

    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already buffered");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
