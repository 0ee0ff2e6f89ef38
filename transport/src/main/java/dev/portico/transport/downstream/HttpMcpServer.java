package dev.portico.transport.downstream;

import dev.portico.config.LimitsConfig;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpServerSession;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portico's HTTP listener: MCP streamable HTTP at {@value #MCP_PATH}, the legacy HTTP+SSE transport at
 * {@value #SSE_PATH} with its message endpoint {@value #MESSAGE_PATH}, and whatever other servlets the aggregator
 * mounts (health, OAuth callback) on the same Jetty server.
 *
 * <p>Whoever builds it starts and closes it. Not reusable after {@link #close()}.
 */
public final class HttpMcpServer implements AutoCloseable {

    public static final String MCP_PATH = "/mcp";
    public static final String SSE_PATH = "/sse";
    public static final String MESSAGE_PATH = "/message";

    /** Keeps idle SSE streams alive through proxies and lets a dead client's stream fail on write. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(HttpMcpServer.class);

    private final Server jetty;
    private final ServerConnector connector;
    private final HttpServletStreamableServerTransportProvider streamable;
    private final HttpServletSseServerTransportProvider sse;

    private HttpMcpServer(Builder builder) {
        McpJsonMapper json = McpJsonDefaults.getMapper();
        SessionPrincipals principals = new SessionPrincipals();
        this.streamable = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(json)
                .mcpEndpoint(MCP_PATH)
                .contextExtractor(DownstreamTransportContext::extract)
                .keepAliveInterval(KEEP_ALIVE)
                .build();
        streamable.setSessionFactory(
                SessionFactories.streamable(builder.handler, streamable.protocolVersions(), principals));

        this.sse = HttpServletSseServerTransportProvider.builder()
                .jsonMapper(json)
                .sseEndpoint(SSE_PATH)
                .messageEndpoint(MESSAGE_PATH)
                .contextExtractor(DownstreamTransportContext::extract)
                .keepAliveInterval(KEEP_ALIVE)
                .build();
        SseDisconnects disconnects = new SseDisconnects();
        sse.setSessionFactory(SessionFactories.perConnection(
                DownstreamTransportKind.SSE,
                builder.handler,
                sse.protocolVersions(),
                principals,
                disconnects::created));

        QueuedThreadPool threads = new QueuedThreadPool(builder.maxThreads);
        threads.setName("portico-http");
        this.jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // Jetty 12 has no separate timeout for reading a request's headers: a client that sends half a request line
        // and stalls is closed by the connector's idle timeout, and one that trickles is bounded by the header size.
        http.setRequestHeaderSize(builder.maxRequestHeaderBytes);
        this.connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(builder.host);
        connector.setPort(builder.port);
        connector.setIdleTimeout(builder.idleTimeout.toMillis());
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder streamableHolder = new ServletHolder("mcp-streamable", streamable);
        streamableHolder.setAsyncSupported(true);
        context.addServlet(streamableHolder, MCP_PATH);
        ServletHolder sseHolder = new ServletHolder("mcp-sse", sse);
        sseHolder.setAsyncSupported(true);
        context.addServlet(sseHolder, SSE_PATH);
        context.addServlet(sseHolder, MESSAGE_PATH);
        if (builder.authenticator != null) {
            // First, so that nothing of an unauthenticated request is parsed.
            FilterHolder authentication = new FilterHolder(new AuthenticationFilter(builder.authenticator, principals));
            authentication.setAsyncSupported(true);
            for (String path : List.of(MCP_PATH, SSE_PATH, MESSAGE_PATH)) {
                context.addFilter(authentication, path, EnumSet.of(DispatcherType.REQUEST));
            }
        }
        FilterHolder requestIds = new FilterHolder(new RequestIdFilter(builder.maxRequestBytes));
        requestIds.setAsyncSupported(true);
        context.addFilter(requestIds, MCP_PATH, EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(requestIds, MESSAGE_PATH, EnumSet.of(DispatcherType.REQUEST));
        // /sse takes no POST, but a body sent there must not be read past the same limit either; its GET stream is
        // left exactly as the SDK answers it.
        FilterHolder ssePosts = new FilterHolder(RequestIdFilter.postsOnly(builder.maxRequestBytes));
        ssePosts.setAsyncSupported(true);
        context.addFilter(ssePosts, SSE_PATH, EnumSet.of(DispatcherType.REQUEST));
        FilterHolder disconnectFilter = new FilterHolder(disconnects);
        disconnectFilter.setAsyncSupported(true);
        context.addFilter(disconnectFilter, SSE_PATH, EnumSet.of(DispatcherType.REQUEST));
        builder.servlets.forEach((path, servlet) -> {
            ServletHolder holder = new ServletHolder(servlet);
            holder.setAsyncSupported(true);
            context.addServlet(holder, path);
        });
        jetty.setHandler(context);
        jetty.setStopTimeout(builder.stopTimeout.toMillis());
        builder.jettyCustomizer.accept(jetty);
    }

    public static Builder builder(DownstreamHandler handler) {
        return new Builder(handler);
    }

    /** Binds and starts serving; returns once the listener accepts connections. */
    public HttpMcpServer start() throws Exception {
        jetty.start();
        log.debug("Jetty listening on {}", baseUri());
        return this;
    }

    public boolean isRunning() {
        return jetty.isStarted() && connector.isRunning();
    }

    /** The bound port; useful when the configured port was 0. */
    public int port() {
        return connector.getLocalPort();
    }

    /** {@code http://host:port} of the bound listener (no trailing slash). */
    public URI baseUri() {
        String host = connector.getHost() == null ? "127.0.0.1" : connector.getHost();
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + literal + ":" + port());
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(connector.getHost(), port());
    }

    /** Ends every downstream session, then stops the listener, letting in-flight requests finish. */
    @Override
    public void close() throws Exception {
        try {
            streamable.closeGracefully().block(Duration.ofSeconds(5));
            sse.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("Closing downstream sessions: {}", e.getMessage());
        }
        jetty.stop();
    }

    public static final class Builder {
        private final DownstreamHandler handler;
        private String host = "127.0.0.1";
        private int port;
        private int maxThreads = 200;
        private int maxRequestBytes = LimitsConfig.DEFAULT_MAX_REQUEST_BYTES;
        private int maxRequestHeaderBytes = LimitsConfig.DEFAULT_MAX_REQUEST_HEADER_BYTES;
        private Duration idleTimeout = LimitsConfig.DEFAULT_IDLE_TIMEOUT;
        private Duration stopTimeout = Duration.ofSeconds(10);
        private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        private RequestAuthenticator authenticator;
        private Consumer<Server> jettyCustomizer = server -> {};

        private Builder(DownstreamHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder maxThreads(int maxThreads) {
            this.maxThreads = maxThreads;
            return this;
        }

        /**
         * The largest body a client may POST to {@code /mcp}, {@code /message} or {@code /sse}; larger ones get 413
         * with a JSON-RPC error.
         */
        public Builder maxRequestBytes(int maxRequestBytes) {
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        /** The largest request line plus headers the listener reads; larger ones get 431. */
        public Builder maxRequestHeaderBytes(int maxRequestHeaderBytes) {
            this.maxRequestHeaderBytes = maxRequestHeaderBytes;
            return this;
        }

        /**
         * How long a connection may go without a byte in either direction, also while its request headers are still
         * arriving, before the listener closes it. Must exceed the 30 s keep-alive of event streams.
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
            return this;
        }

        public Builder stopTimeout(Duration stopTimeout) {
            this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
            return this;
        }

        /**
         * Authenticates every request to {@code /mcp}, {@code /sse} and {@code /message} first, and binds each session
         * to the principal that opened it; without one, requests are anonymous and sessions unbound.
         */
        public Builder authenticator(RequestAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /** Mounts another servlet on the same listener, e.g. {@code /healthz}. */
        public Builder servlet(String pathSpec, HttpServlet servlet) {
            servlets.put(Objects.requireNonNull(pathSpec, "pathSpec"), Objects.requireNonNull(servlet, "servlet"));
            return this;
        }

        /**
         * Called with the Jetty server once its connector and handlers are in place, before it starts: for
         * listeners such as metrics that watch its connections and threads.
         */
        public Builder jetty(Consumer<Server> customizer) {
            this.jettyCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        public HttpMcpServer build() {
            return new HttpMcpServer(this);
        }
    }

    /**
     * Ends a legacy SSE session when its stream ends. The SDK's SSE provider forgets a session only when a write
     * fails; this filter learns which session the GET created (the factory runs on the request thread) and closes it
     * when the async stream completes or fails, so upstream connections are not kept for a client that left.
     */
    private static final class SseDisconnects implements Filter {

        private final ThreadLocal<McpServerSession> createdOnThisThread = new ThreadLocal<>();

        void created(McpServerSession session) {
            createdOnThisThread.set(session);
        }

        @Override
        public void doFilter(
                jakarta.servlet.ServletRequest request,
                jakarta.servlet.ServletResponse response,
                jakarta.servlet.FilterChain chain)
                throws java.io.IOException, jakarta.servlet.ServletException {
            createdOnThisThread.remove();
            try {
                chain.doFilter(request, response);
                McpServerSession session = createdOnThisThread.get();
                if (session != null && request.isAsyncStarted()) {
                    request.getAsyncContext().addListener(new CloseOnEnd(session));
                }
            } finally {
                createdOnThisThread.remove();
            }
        }
    }

    private record CloseOnEnd(McpServerSession session) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            session.close();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            session.close();
        }

        @Override
        public void onError(AsyncEvent event) {
            session.close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }

    /** For tests and diagnostics: the paths this server answers MCP on. */
    public static List<String> mcpPaths() {
        return new ArrayList<>(List.of(MCP_PATH, SSE_PATH, MESSAGE_PATH));
    }
}
