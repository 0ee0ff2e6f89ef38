package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The third downstream transport: a desktop-style client spawns {@code portico --config FILE --stdio} and uses an
 * HTTP upstream through it, including a sampling request the upstream sends back to the client.
 */
class StdioGatewayTest {

    @Test
    void whenAClientDrivesPorticoOverStdioThenCallsAndSamplingWork(@TempDir Path dir) throws Exception {
        try (TestUpstream upstream = TestUpstream.streamable("desk")) {
            Path config = Files.writeString(
                    dir.resolve("portico.yaml"),
                    """
                    upstreams:
                      - name: desk
                        transport: streamable-http
                        url: %s
                    """
                            .formatted(upstream.url()));
            try (McpSyncClient client = PorticoProcess.stdioClient(
                    spec -> spec.capabilities(McpSchema.ClientCapabilities.builder()
                                    .sampling()
                                    .build())
                            .sampling(request -> McpSchema.CreateMessageResult.builder()
                                    .role(McpSchema.Role.ASSISTANT)
                                    .content(new McpSchema.TextContent("from the desktop"))
                                    .model("m")
                                    .build()),
                    "--config",
                    config.toString(),
                    "--stdio")) {
                client.initialize();
                assertThat(client.listTools().tools())
                        .extracting(McpSchema.Tool::name)
                        .contains("desk__echo");
                McpSchema.CallToolResult echo =
                        client.callTool(new McpSchema.CallToolRequest("desk__echo", Map.of("text", "over stdio")));
                assertThat(((McpSchema.TextContent) echo.content().get(0)).text())
                        .isEqualTo("over stdio");
                McpSchema.CallToolResult sampled =
                        client.callTool(new McpSchema.CallToolRequest("desk__sample", Map.of("prompt", "hi")));
                assertThat(((McpSchema.TextContent) sampled.content().get(0)).text())
                        .isEqualTo("sampled: from the desktop");
            }
        }
    }
}
