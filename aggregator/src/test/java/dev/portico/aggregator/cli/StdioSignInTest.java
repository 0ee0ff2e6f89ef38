package dev.portico.aggregator.cli;

import static dev.portico.aggregator.cli.ToolCalls.authUrl;
import static dev.portico.aggregator.cli.ToolCalls.call;
import static dev.portico.aggregator.cli.ToolCalls.toolNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.leaks.WitnessedSecrets;
import dev.portico.aggregator.testing.Browser;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-user stdio mode signs in too: an SDK client drives {@code portico --stdio} as a child process, and the
 * browser finishes the sign-in at the child's loopback listener.
 */
@OAuthEndToEnd
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
                    PorticoProcess.stdioClientAtTrace(spec -> {}, "--config", config.toString(), "--stdio")) {
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
            } finally {
                WitnessedSecrets.secrets(idp.secretsSeen());
            }
        }
    }

    /**
     * With {@code oauth.openBrowser}, the child hands each new link to the platform's opener once; a stand-in
     * {@code xdg-open} first on the child's PATH records what it was given.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void withOpenBrowserEachNewLinkIsOpenedOnce(@TempDir Path dir) throws Exception {
        Path opened = dir.resolve("opened.txt");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path opener =
                Files.writeString(bin.resolve("xdg-open"), "#!/bin/sh\nprintf '%s\\n' \"$1\" >> '" + opened + "'\n");
        assertThat(opener.toFile().setExecutable(true)).isTrue();
        try (DemoIdentityProvider idp = DemoIdentityProvider.builder().build().start();
                ProtectedDemoUpstream calendar =
                        ProtectedDemoUpstream.builder("calendar", idp).build().start()) {
            Path config = Files.writeString(
                    dir.resolve("portico.yaml"),
                    """
                    oauth:
                      openBrowser: true
                    security:
                      allowedPrivateNetworks: [127.0.0.0/8]
                    upstreams:
                      - name: calendar
                        transport: streamable-http
                        url: %s
                        timeout: 10s
                    """
                            .formatted(calendar.mcpUrl()));
            Map<String, String> path = Map.of("PATH", bin + File.pathSeparator + System.getenv("PATH"));
            try (McpSyncClient client =
                    PorticoProcess.stdioClient(path, spec -> {}, "--config", config.toString(), "--stdio")) {
                client.initialize();
                await().atMost(SETTLES).until(() -> toolNames(client).contains("calendar__authenticate"));

                URI link = authUrl(call(client, "calendar__authenticate"));
                assertThat(authUrl(call(client, "calendar__authenticate"))).isEqualTo(link);

                await().atMost(SETTLES).until(() -> Files.exists(opened));
                assertThat(Files.readAllLines(opened)).containsExactly(link.toString());
                assertThat(new Browser().open(link).body()).contains("Signed in to calendar");
                await().atMost(SETTLES).until(() -> toolNames(client).contains("calendar__whoami"));
                assertThat(Files.readAllLines(opened)).hasSize(1);
            } finally {
                WitnessedSecrets.secrets(idp.secretsSeen());
            }
        }
    }
}
