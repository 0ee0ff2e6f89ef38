package dev.portico.testing;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real HTTP server on 127.0.0.1 that speaks just enough streamable HTTP MCP (hand-written JSON: {@code initialize},
 * {@code ping}, {@code tools/list} with one tool {@code echo}) to be connected to, and then misbehaves as its
 * {@link Mode} says. For failures the SDK servers cannot be made to produce: malformed answers and server errors.
 */
public final class MisbehavingUpstream implements AutoCloseable {

    /** How the server answers. */
    public enum Mode {
        /** {@code tools/call} gets 200 {@code application/json} with a body that is not JSON. */
        GARBAGE_ON_CALL,
        /** {@code tools/call} gets 200 {@code application/json} with JSON that is not a JSON-RPC message. */
        NOT_JSON_RPC_ON_CALL,
        /** Every request gets 500. */
        ALWAYS_500
    }

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|-?\\d+)");
    private static final Pattern METHOD = Pattern.compile("\"method\"\\s*:\\s*\"([^\"]+)\"");

    private final Server jetty;
    private final int port;
    private final AtomicInteger initializeAttempts = new AtomicInteger();
    private volatile Mode mode;

    private MisbehavingUpstream(Mode mode) throws Exception {
        this.mode = mode;
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new Servlet()), "/*");
        jetty.setHandler(context);
        jetty.start();
        port = connector.getLocalPort();
    }

    public static MisbehavingUpstream start(Mode mode) {
        try {
            return new MisbehavingUpstream(mode);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the misbehaving upstream", e);
        }
    }

    /** {@code http://127.0.0.1:PORT/mcp} */
    public URI url() {
        return URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    /** How many {@code initialize} requests arrived (every request counts in {@link Mode#ALWAYS_500}). */
    public int initializeAttempts() {
        return initializeAttempts.get();
    }

    /** Changes how later requests are answered. */
    public void mode(Mode next) {
        this.mode = next;
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }

    private final class Servlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            // No server-to-client stream: the spec's answer for servers that do not offer one.
            resp.setStatus(405);
        }

        @Override
        protected void doDelete(HttpServletRequest req, HttpServletResponse resp) {
            resp.setStatus(200);
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String body = new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Matcher method = METHOD.matcher(body);
            String name = method.find() ? method.group(1) : "";
            if (name.equals("initialize")) {
                initializeAttempts.incrementAndGet();
            }
            if (mode == Mode.ALWAYS_500) {
                resp.setStatus(500);
                resp.setContentType("text/plain");
                resp.getWriter().write("Internal Server Error");
                return;
            }
            Matcher idMatch = ID.matcher(body);
            if (!idMatch.find()) {
                resp.setStatus(202); // a notification
                return;
            }
            String id = idMatch.group(1);
            String result =
                    switch (name) {
                        case "initialize" -> "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
                                + "\"serverInfo\":{\"name\":\"misbehaving\",\"version\":\"1\"}}";
                        case "tools/list" -> "{\"tools\":[{\"name\":\"echo\",\"inputSchema\":{\"type\":\"object\"}}]}";
                        case "tools/call" -> null;
                        default -> "{}";
                    };
            resp.setStatus(200);
            resp.setContentType("application/json");
            if (result != null) {
                resp.getWriter().write("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}");
            } else if (mode == Mode.GARBAGE_ON_CALL) {
                resp.getWriter().write("this is <not> JSON at all");
            } else {
                resp.getWriter().write("{\"hello\":\"world\",\"id\":" + id + "}");
            }
        }
    }
}
