package dev.portico.aggregator;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/** Downstream MCP clients (the SDK's own) pointed at a running Portico. */
final class Clients {

    private Clients() {}

    static McpClientTransport streamable(URI base) {
        return HttpClientStreamableHttpTransport.builder(base.toString())
                .endpoint("/mcp")
                .build();
    }

    /** Streamable HTTP that sends {@code Authorization: Bearer <token>} with every request. */
    static McpClientTransport streamable(URI base, String bearerToken) {
        return HttpClientStreamableHttpTransport.builder(base.toString())
                .endpoint("/mcp")
                .httpRequestCustomizer((request, method, uri, body, context) ->
                        request.header("Authorization", "Bearer " + bearerToken))
                .build();
    }

    static McpClientTransport sse(URI base) {
        return HttpClientSseClientTransport.builder(base.toString())
                .sseEndpoint("/sse")
                .build();
    }

    static McpSyncClient connect(McpClientTransport transport) {
        return connect(transport, spec -> {});
    }

    static McpSyncClient connect(McpClientTransport transport, Consumer<McpClient.SyncSpec> customizer) {
        McpClient.SyncSpec spec = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(60))
                .clientInfo(new McpSchema.Implementation("test-client", "1"));
        customizer.accept(spec);
        McpSyncClient client = spec.build();
        client.initialize();
        return client;
    }

    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }
}
