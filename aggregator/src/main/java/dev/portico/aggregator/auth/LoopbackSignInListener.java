package dev.portico.aggregator.auth;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP listener of stdio mode: the browser still has to reach Portico's start link and callback (and an
 * authorization server, Portico's Client ID Metadata Document), so Portico listens on the loopback interface for
 * those and nothing else. No MCP endpoint is mounted: the stdio client is the only client, and other local programs
 * must not open sessions of their own with the user's upstream configuration.
 */
public final class LoopbackSignInListener implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private static final int MAX_THREADS = 16;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final Server jetty;
    private final ServerConnector connector;

    private LoopbackSignInListener(int port, Map<String, HttpServlet> servlets) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("portico-sign-in");
        jetty = new Server(threads);
        connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(HOST);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        servlets.forEach((path, servlet) -> context.addServlet(new ServletHolder(servlet), path));
        jetty.setHandler(context);
    }

    /**
     * Binds {@code 127.0.0.1:port} ({@code 0} picks a free port) and serves {@code servlets}, path spec → servlet.
     */
    public static LoopbackSignInListener start(int port, Map<String, HttpServlet> servlets) throws Exception {
        LoopbackSignInListener listener = new LoopbackSignInListener(port, servlets);
        try {
            listener.jetty.start();
        } catch (Exception e) {
            listener.close();
            throw e;
        }
        return listener;
    }

    /** {@code http://127.0.0.1:<bound port>}, without a trailing slash. */
    public URI baseUri() {
        return URI.create("http://" + HOST + ":" + connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
