package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.testing.Browser;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-user stdio mode signs in too: an SDK client drives {@code portico --stdio} as a child process, and the
 * browser finishes the sign-in at the child's loopback listener.
 */
class StdioSignInTest {

    private static final Duration SETTLES = Duration.ofSeconds(30);

    @Test
    void aClientDrivingPorticoOverStdioSignsInToAProtectedUpstream(@TempDir Path dir) throws Exception {
        try (DemoIdentityProvider idp = DemoIdentityProvider.builder().build().start();
                ProtectedDemoUpstream calendar =
                        ProtectedDemoUpstream.builder("calendar", idp).build().start()) {
            Path config = Files.writeString(
                    dir.resolve("portico.yaml"),
                    """
                    security:
                      allowedPrivateNetworks: [127.0.0.0/8]
                    upstreams:
                      - name: calendar
                        transport: streamable-http
                        url: %s
                        timeout: 10s
                        reconnect: {initialDelay: 100ms, maxDelay: 500ms}
                    """
                            .formatted(calendar.mcpUrl()));
            try (McpSyncClient client =
                    PorticoProcess.stdioClient(spec -> {}, "--config", config.toString(), "--stdio")) {
                client.initialize();
                await().atMost(SETTLES).until(() -> toolNames(client).contains("calendar__authenticate"));

                McpSchema.CallToolResult challenge = call(client, "calendar__authenticate");

                URI link = authUrl(challenge);
                assertThat(link.getScheme()).isEqualTo("http");
                assertThat(link.getHost())
                        .as("the sign-in listener is on loopback")
                        .isEqualTo("127.0.0.1");
                assertThat(link.getPath()).startsWith("/oauth/start/");
                Browser.Page page = new Browser().open(link);
                assertThat(page.body()).contains("Signed in to calendar");
                assertThat(page.visited())
                        .anyMatch(url -> url.getPath().equals("/oauth/callback") && url.getPort() == link.getPort());
                await().atMost(SETTLES).until(() -> toolNames(client).contains("calendar__whoami"));
                assertThat(((McpSchema.TextContent) call(client, "calendar__whoami")
                                        .content()
                                        .get(0))
                                .text())
                        .contains("hello demo-user");
            }
        }
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool) {
        return client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    @SuppressWarnings("unchecked")
    private static URI authUrl(McpSchema.CallToolResult result) {
        assertThat(result.structuredContent()).as("an auth_required result").isInstanceOf(Map.class);
        Map<String, Object> structured = (Map<String, Object>) result.structuredContent();
        assertThat(structured).containsEntry("status", "auth_required");
        return URI.create((String) structured.get("auth_url"));
    }
}
