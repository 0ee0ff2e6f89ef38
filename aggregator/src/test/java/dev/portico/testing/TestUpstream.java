package dev.portico.testing;

import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An SDK MCP server serving {@link TestCatalog} over streamable HTTP ({@code /mcp}) or the legacy HTTP+SSE transport
 * ({@code /sse} + {@code /message}), on Jetty bound to 127.0.0.1.
 *
 * <p>The first {@link #start()} picks a free port; {@link #stop()} then {@link #start()} again reuses that port with a
 * fresh SDK server (new sessions, new state), like a restarted process. {@link #start()}, {@link #stop()} and
 * {@link #close()} are synchronized.
 */
public final class TestUpstream implements AutoCloseable {

    /** The HTTP transport the upstream speaks. */
    public enum Transport {
        STREAMABLE_HTTP,
        SSE
    }

    public static final String MCP_ENDPOINT = "/mcp";
    public static final String SSE_ENDPOINT = "/sse";
    public static final String MESSAGE_ENDPOINT = "/message";

    private static final String HOST = "127.0.0.1";

    private final String id;
    private final Transport transport;
    private final AtomicBoolean sawCancellation = new AtomicBoolean();
    private final AtomicInteger initializations = new AtomicInteger();

    private volatile int port;
    private volatile TestCatalog catalog;
    private Server jetty;
    private McpAsyncServer server;

    public TestUpstream(String id, Transport transport) {
        this.id = Objects.requireNonNull(id, "id");
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    /** Creates and starts a streamable HTTP upstream. */
    public static TestUpstream streamable(String id) {
        return new TestUpstream(id, Transport.STREAMABLE_HTTP).start();
    }

    /** Creates and starts an HTTP+SSE upstream. */
    public static TestUpstream sse(String id) {
        return new TestUpstream(id, Transport.SSE).start();
    }

    /** Starts the upstream (on a free port the first time, on the same port afterwards). No-op if running. */
    @SuppressWarnings("deprecation") // the HTTP+SSE server transport is deprecated in SDK 2.1; tests still need it
    public synchronized TestUpstream start() {
        if (jetty != null) {
            return this;
        }
        TestCatalog newCatalog = new TestCatalog(id, sawCancellation);
        HttpServlet servlet;
        McpAsyncServer newServer;
        if (transport == Transport.STREAMABLE_HTTP) {
            HttpServletStreamableServerTransportProvider provider =
                    HttpServletStreamableServerTransportProvider.builder()
                            .mcpEndpoint(MCP_ENDPOINT)
                            .contextExtractor(CancellationObserver::transportContext)
                            .build();
            newServer = newCatalog.buildServer(McpServer.async(provider));
            servlet = provider;
        } else {
            HttpServletSseServerTransportProvider provider = HttpServletSseServerTransportProvider.builder()
                    .sseEndpoint(SSE_ENDPOINT)
                    .messageEndpoint(MESSAGE_ENDPOINT)
                    .contextExtractor(CancellationObserver::transportContext)
                    .build();
            newServer = newCatalog.buildServer(McpServer.async(provider));
            servlet = provider;
        }

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("test-upstream-" + id);
        threads.setStopTimeout(200); // do not wait long for handler threads blocked in in-flight calls
        Server newJetty = new Server(threads);
        ServerConnector connector = new ServerConnector(newJetty);
        connector.setHost(HOST);
        connector.setPort(port);
        connector.setReuseAddress(true);
        newJetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder("mcp-" + id, servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        FilterHolder filter = new FilterHolder(new CancellationObserver(() -> catalog, initializations));
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        newJetty.setHandler(context);
        newJetty.setStopTimeout(0);

        this.catalog = newCatalog; // before start: the cancellation filter reads it
        try {
            newJetty.start();
        } catch (Exception e) {
            newServer.close();
            try {
                newJetty.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("could not start test upstream " + id + " on port " + port, e);
        }
        this.port = connector.getLocalPort();
        this.server = newServer;
        this.jetty = newJetty;
        return this;
    }

    /**
     * Stops the upstream like a killed process: stops the HTTP server (dropping every connection and in-flight call),
     * then closes the SDK server, freeing the port for a later {@link #start()}. No-op if not running.
     */
    public synchronized void stop() {
        if (jetty == null) {
            return;
        }
        try {
            // HTTP first, like a killed process: connections drop without a graceful end of their streams.
            jetty.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop test upstream " + id, e);
        } finally {
            try {
                server.closeGracefully().block(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                // the sessions are gone with their connections anyway
            }
            jetty = null;
            server = null;
        }
    }

    public synchronized boolean isRunning() {
        return jetty != null;
    }

    public String id() {
        return id;
    }

    public Transport transport() {
        return transport;
    }

    /** The port; 0 before the first start, then fixed for the lifetime of this object. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} */
    public URI baseUrl() {
        requirePort();
        return URI.create("http://" + HOST + ":" + port);
    }

    /** {@code http://127.0.0.1:PORT/mcp} for streamable HTTP, {@code http://127.0.0.1:PORT/sse} for SSE. */
    public URI url() {
        return URI.create(baseUrl() + (transport == Transport.STREAMABLE_HTTP ? MCP_ENDPOINT : SSE_ENDPOINT));
    }

    /**
     * Whether a {@code slow} call was cancelled since this object was created or {@link #resetCancellation() reset}
     * (across restarts): by a {@code notifications/cancelled} for its session, or because {@link #stop()} cut it off.
     */
    public boolean sawCancellation() {
        return sawCancellation.get();
    }

    /** How many {@code initialize} requests (new MCP connections) it got since this object was created. */
    public int initializations() {
        return initializations.get();
    }

    /** Clears {@link #sawCancellation()}. */
    public void resetCancellation() {
        sawCancellation.set(false);
    }

    /** The SDK server of the current run (e.g. to push notifications from a test), or null when stopped. */
    public synchronized McpAsyncServer server() {
        return server;
    }

    /** The catalog of the current (or last) run. */
    public TestCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "TestUpstream[" + id + ", " + transport + (port == 0 ? "" : ", port " + port) + "]";
    }

    private void requirePort() {
        if (port == 0) {
            throw new IllegalStateException("test upstream " + id + " was never started");
        }
    }
}
