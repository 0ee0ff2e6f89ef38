package dev.portico.bench;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The least any HTTP proxy can do: bytes in, the same bytes to the upstream, its bytes back, on one Jetty thread with
 * a blocking connection, no parsing, no MCP. The load part measures it beside Portico so that the table shows what a
 * hop alone costs on the machine: the floor under Portico's own figures, and so what ratio of direct calls per second
 * any proxy, however lean, can reach when it shares the cores with the client and the upstream.
 *
 * <p>{@link #main} runs one in a child process, forwarding to the URL given as its argument.
 */
final class ForwardingProxy {

    /** What {@link #main} prints once listening, followed by its MCP URL. */
    static final String READY_LINE = "forwarding proxy listening on ";

    /** The request headers MCP needs end to end; the rest (Host, Connection, ...) belong to each hop. */
    private static final List<String> REQUEST_HEADERS =
            List.of("Accept", "Content-Type", "Mcp-Session-Id", "MCP-Protocol-Version", "Last-Event-ID");

    private static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Mcp-Session-Id");

    private ForwardingProxy() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("http.maxConnections", "1000");
        URI upstream = URI.create(args[0]);
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new Forward(upstream)), "/mcp");
        jetty.setHandler(context);
        jetty.start();
        System.out.println(READY_LINE + "http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
        System.out.flush();
        jetty.join();
    }

    private static final class Forward extends HttpServlet {
        private final URI upstream;

        Forward(URI upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpURLConnection out = (HttpURLConnection) upstream.toURL().openConnection();
            out.setRequestMethod(request.getMethod());
            for (String name : REQUEST_HEADERS) {
                String value = request.getHeader(name);
                if (value != null) {
                    out.setRequestProperty(name, value);
                }
            }
            byte[] body = request.getInputStream().readAllBytes();
            if (body.length > 0) {
                out.setDoOutput(true);
                try (OutputStream upstreamBody = out.getOutputStream()) {
                    upstreamBody.write(body);
                }
            }
            int status = out.getResponseCode();
            response.setStatus(status);
            for (String name : RESPONSE_HEADERS) {
                String value = out.getHeaderField(name);
                if (value != null) {
                    response.setHeader(name, value);
                }
            }
            try (InputStream in = status >= 400 ? out.getErrorStream() : out.getInputStream()) {
                if (in == null) {
                    return;
                }
                OutputStream downstream = response.getOutputStream();
                byte[] chunk = new byte[8192];
                int read;
                while ((read = in.read(chunk)) >= 0) {
                    downstream.write(chunk, 0, read);
                    downstream.flush();
                }
            }
        }
    }
}
