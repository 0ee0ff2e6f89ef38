package dev.portico.aggregator.demo;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portico's demo upstream: a small MCP server ("portico-demo") over streamable HTTP at
 * {@code http://127.0.0.1:PORT/mcp}, used by {@code portico demo}. It offers the tools {@code echo}, {@code add},
 * {@code now} and {@code roll_dice}, the resource {@code demo://about} and the prompt {@code greeting}.
 *
 * <pre>{@code
 * try (DemoUpstream demo = new DemoUpstream().start(0)) {
 *     URI upstream = demo.mcpUrl(); // http://127.0.0.1:54321/mcp
 * }
 * }</pre>
 *
 * <p>It only listens on the loopback interface and rejects requests whose {@code Host} or {@code Origin} header is not
 * a loopback name (DNS-rebinding protection).
 */
public final class DemoUpstream implements AutoCloseable {

    /** The MCP endpoint path. */
    public static final String MCP_ENDPOINT = "/mcp";

    /** The server name reported in the MCP initialize result. */
    public static final String SERVER_NAME = DemoCatalog.SERVER_NAME;

    private static final Logger log = LoggerFactory.getLogger(DemoUpstream.class);
    private static final String HOST = "127.0.0.1";

    private final DemoCatalog catalog;

    private Server jetty;
    private McpSyncServer server;
    private volatile int port;

    public DemoUpstream() {
        this(Clock.systemUTC(), RandomGenerator.getDefault());
    }

    /** For tests: a fixed clock for {@code now}, a seeded generator for {@code roll_dice}. */
    DemoUpstream(Clock clock, RandomGenerator random) {
        this.catalog = new DemoCatalog(clock, random);
    }

    /**
     * Starts the server on 127.0.0.1.
     *
     * @param port the TCP port, or 0 for a free one (see {@link #port()})
     * @return this
     * @throws IllegalStateException if already started, or if the port cannot be bound
     */
    public synchronized DemoUpstream start(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        if (jetty != null) {
            throw new IllegalStateException("demo upstream already started on port " + this.port);
        }

        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(MCP_ENDPOINT)
                .httpHeaderValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedHosts(List.of(HOST + ":*", "localhost:*", "[::1]:*"))
                        .allowedOrigins(List.of("http://" + HOST + ":*", "http://localhost:*", "http://[::1]:*"))
                        .build())
                .build();
        McpSyncServer mcp = catalog.buildServer(McpServer.sync(transport));

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("portico-demo");
        threads.setStopTimeout(1_000);
        Server http = new Server(threads);
        ServerConnector connector = new ServerConnector(http);
        connector.setHost(HOST);
        connector.setPort(port);
        http.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("portico-demo-mcp", transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        http.setHandler(context);
        http.setStopTimeout(0);

        try {
            http.start();
        } catch (Exception e) {
            closeQuietly(mcp);
            try {
                http.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("could not start the demo upstream on " + HOST + ":" + port, e);
        }
        this.jetty = http;
        this.server = mcp;
        this.port = connector.getLocalPort();
        log.info("Demo upstream '{}' listening on {}", SERVER_NAME, mcpUrl());
        return this;
    }

    /** The port actually bound; 0 before {@link #start(int)}. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/mcp}. */
    public URI mcpUrl() {
        if (port == 0) {
            throw new IllegalStateException("demo upstream not started");
        }
        return URI.create("http://" + HOST + ":" + port + MCP_ENDPOINT);
    }

    public synchronized boolean isRunning() {
        return jetty != null;
    }

    /** Closes all MCP sessions and stops the HTTP server. Idempotent. */
    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        closeQuietly(server);
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("Stopping the demo upstream failed: {}", e.toString());
        } finally {
            jetty = null;
            server = null;
        }
    }

    private static void closeQuietly(McpSyncServer mcp) {
        try {
            Objects.requireNonNull(mcp).closeGracefully();
        } catch (RuntimeException e) {
            log.debug("Closing the demo MCP server failed", e);
        }
    }
}
