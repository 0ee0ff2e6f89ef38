package dev.portico.bench;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import reactor.core.publisher.Mono;

/**
 * Upstreams that do the least work possible: SDK MCP servers on streamable HTTP whose {@code echo} tool answers with
 * its {@code text} argument, all on one Jetty listener on 127.0.0.1. One server at {@code /mcp} for the load test; many
 * at {@code /u<i>/mcp}, each with extra no-op tools, for the catalog test (one listener keeps a hundred of them cheap).
 *
 * <p>{@link #main} runs one as a child process, so the load driver, the upstream and Portico do not share a heap.
 */
public final class EchoUpstreams implements AutoCloseable {

    /** What {@link #main} prints once listening, followed by the MCP URL. */
    static final String READY_LINE = "echo upstream listening on ";

    private final Server jetty;
    private final List<McpAsyncServer> servers;
    private final List<URI> urls;

    private EchoUpstreams(Server jetty, List<McpAsyncServer> servers, List<URI> urls) {
        this.jetty = jetty;
        this.servers = servers;
        this.urls = urls;
    }

    /** One echo server at {@code http://127.0.0.1:PORT/mcp}. */
    public static EchoUpstreams single() throws Exception {
        return start(1, 1);
    }

    /**
     * {@code count} servers with {@code toolsEach} tools each: {@code echo} and {@code tool_1} to {@code tool_<n-1>}.
     * With one server its endpoint is {@code /mcp}, else {@code /u0/mcp}, {@code /u1/mcp}, ...
     */
    public static EchoUpstreams start(int count, int toolsEach) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        List<McpAsyncServer> servers = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String path = count == 1 ? "/mcp" : "/u" + i + "/mcp";
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder()
                            .jsonMapper(McpJsonDefaults.getMapper())
                            .mcpEndpoint(path)
                            .build();
            servers.add(McpServer.async(transport)
                    .serverInfo("bench-echo-" + i, "1")
                    .capabilities(
                            McpSchema.ServerCapabilities.builder().tools(false).build())
                    .tools(tools(toolsEach))
                    .build());
            ServletHolder holder = new ServletHolder("mcp-" + i, transport);
            holder.setAsyncSupported(true);
            context.addServlet(holder, path);
            paths.add(path);
        }
        jetty.setHandler(context);
        jetty.start();
        int port = connector.getLocalPort();
        List<URI> urls = paths.stream()
                .map(path -> URI.create("http://127.0.0.1:" + port + path))
                .toList();
        return new EchoUpstreams(jetty, servers, urls);
    }

    private static List<AsyncToolSpecification> tools(int count) {
        List<AsyncToolSpecification> tools = new ArrayList<>();
        tools.add(tool("echo", "Returns its text argument."));
        for (int i = 1; i < count; i++) {
            tools.add(tool("tool_" + i, "A tool that only fills the catalog; it echoes like echo."));
        }
        return tools;
    }

    private static AsyncToolSpecification tool(String name, String description) {
        Map<String, Object> schema = Map.of(
                "type", "object",
                "properties", Map.of("text", Map.of("type", "string", "description", "The text to send back.")),
                "required", List.of("text"));
        McpSchema.Tool tool =
                McpSchema.Tool.builder(name, schema).description(description).build();
        return AsyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, request) -> Mono.just(McpSchema.CallToolResult.builder()
                        .addTextContent(String.valueOf(request.arguments().get("text")))
                        .build()))
                .build();
    }

    /** The MCP endpoint of each server, in order. */
    public List<URI> urls() {
        return urls;
    }

    @Override
    public void close() throws Exception {
        servers.forEach(McpAsyncServer::close);
        jetty.stop();
    }

    /** Runs one echo server until the process is killed; prints {@value #READY_LINE} and its URL. */
    public static void main(String[] args) throws Exception {
        EchoUpstreams upstream = single();
        System.out.println(READY_LINE + upstream.urls().get(0));
        System.out.flush();
        Thread.currentThread().join();
    }
}
