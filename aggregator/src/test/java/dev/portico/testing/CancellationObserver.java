package dev.portico.testing;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A servlet filter in front of the SDK's HTTP transports that watches POSTed JSON-RPC messages for
 * {@code notifications/cancelled} and cancels the in-flight {@code slow} calls of that session. SDK 2.1.0's server
 * silently ignores cancellation notifications, so without this a test could not see whether Portico forwarded one.
 * It also counts {@code initialize} requests: each is a new connection from Portico. The body is buffered and handed
 * on unchanged.
 */
final class CancellationObserver implements Filter {

    private static final String CANCELLED = "notifications/cancelled";

    private final Supplier<TestCatalog> catalog;
    private final AtomicInteger initializations;
    private final McpJsonMapper json = McpJsonDefaults.getMapper();

    CancellationObserver(Supplier<TestCatalog> catalog, AtomicInteger initializations) {
        this.catalog = catalog;
        this.initializations = initializations;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !"POST".equalsIgnoreCase(http.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = http.getInputStream().readAllBytes();
        observe(http, body);
        chain.doFilter(new BufferedRequest(http, body), response);
    }

    private void observe(HttpServletRequest http, byte[] body) {
        Object parsed;
        try {
            parsed = json.readValue(body, Object.class);
        } catch (IOException | RuntimeException e) {
            return; // not JSON: the transport will answer with its own error
        }
        List<?> messages = parsed instanceof List<?> list ? list : List.of(parsed);
        for (Object message : messages) {
            if (message instanceof Map<?, ?> map && "initialize".equals(map.get("method"))) {
                initializations.incrementAndGet();
            }
            if (message instanceof Map<?, ?> map && CANCELLED.equals(map.get("method"))) {
                TestCatalog current = catalog.get();
                if (current != null) {
                    current.cancelSlowCalls(sessionId(http));
                }
            }
        }
    }

    /**
     * The transport context extractor of {@link TestUpstream}'s transports: records the transport-level session id under
     * {@link TestCatalog#TRANSPORT_SESSION_KEY}, so that tool handlers and this filter agree on the session, and the
     * W3C trace headers of the request under {@link TestCatalog#TRACE_HEADERS_KEY}, for the {@code trace} tool.
     */
    static McpTransportContext transportContext(HttpServletRequest request) {
        Map<String, Object> values = new HashMap<>();
        String sessionId = sessionId(request);
        if (sessionId != null) {
            values.put(TestCatalog.TRANSPORT_SESSION_KEY, sessionId);
        }
        Map<String, List<String>> trace = new LinkedHashMap<>();
        for (String name : List.of("traceparent", "tracestate")) {
            List<String> lines = Collections.list(request.getHeaders(name));
            if (!lines.isEmpty()) {
                trace.put(name, lines);
            }
        }
        values.put(TestCatalog.TRACE_HEADERS_KEY, trace);
        return McpTransportContext.create(values);
    }

    /** Streamable HTTP carries the session in a header, the SSE transport in the {@code sessionId} query parameter. */
    private static String sessionId(HttpServletRequest http) {
        String header = http.getHeader("Mcp-Session-Id");
        if (header != null && !header.isBlank()) {
            return header;
        }
        String query = http.getQueryString();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).equals("sessionId")) {
                    return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        }
        return null;
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
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
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
