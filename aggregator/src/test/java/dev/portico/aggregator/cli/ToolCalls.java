package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** What the command-line tests do with an MCP client of a Portico child process. */
final class ToolCalls {

    private ToolCalls() {}

    static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    /** The first content of a result, which must be text. */
    static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    /** The sign-in link of an {@code auth_required} result. */
    @SuppressWarnings("unchecked")
    static URI authUrl(McpSchema.CallToolResult result) {
        assertThat(result.structuredContent()).as("an auth_required result").isInstanceOf(Map.class);
        Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
        assertThat(structured).containsEntry("status", "auth_required");
        return URI.create((String) structured.get("auth_url"));
    }
}
