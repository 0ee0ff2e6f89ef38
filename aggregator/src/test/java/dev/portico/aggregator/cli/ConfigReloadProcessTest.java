package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.health.HealthServlet;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portico serve --config FILE} as its own process follows the file: SIGHUP reloads it (and no longer ends the
 * process, as it does a JVM by default), and a change of the file is applied without a signal, over HTTP and in
 * stdio mode. The in-process
 * behaviour of reloads is tested in {@code LiveConfigEndToEndTest}; this checks the command line's wiring.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "no SIGHUP")
class ConfigReloadProcessTest {

    /** A bound for waiting on a child JVM, never an expectation of how fast it is. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void sighupReloadsTheFileAndAChangedFileIsAppliedWithoutOne() throws Exception {
        try (TestUpstream alpha = TestUpstream.streamable("alpha");
                TestUpstream beta = TestUpstream.streamable("beta")) {
            Path config = dir.resolve("portico.yaml");
            Files.writeString(config, config(alpha));
            try (ServingPortico portico = ServingPortico.start(config, dir, LIMIT)) {
                URI base = portico.baseUri();
                assertThat(generation(base)).isEqualTo(1);

                hangUp(portico.process());

                await().atMost(LIMIT).until(() -> portico.stderr().contains("Reloading " + config + " (SIGHUP)"));
                await().atMost(LIMIT).until(() -> portico.stderr()
                        .contains("no upstream changed; still running config generation 1"));
                assertThat(portico.process().isAlive())
                        .as("SIGHUP does not stop Portico; stderr:\n%s", portico.stderr())
                        .isTrue();

                Files.writeString(config, config(alpha) + upstream("beta", beta));

                await().atMost(LIMIT).until(() -> generation(base) == 2);
                assertThat(portico.stderr())
                        .contains("config generation 2 applied to 0 session(s): added [beta], unchanged [alpha]");
            }
        }
    }

    @Test
    void inStdioModeAChangedFileIsAppliedToTheOneClient() throws Exception {
        try (TestUpstream alpha = TestUpstream.streamable("alpha");
                TestUpstream beta = TestUpstream.streamable("beta")) {
            Path config = dir.resolve("portico.yaml");
            Files.writeString(config, config(alpha));
            AtomicInteger toolChanges = new AtomicInteger();
            try (McpSyncClient client = PorticoProcess.stdioClient(
                    spec -> spec.toolsChangeConsumer(tools -> toolChanges.incrementAndGet()),
                    "--config",
                    config.toString(),
                    "--stdio")) {
                client.initialize();
                assertThat(toolNames(client)).contains("alpha__echo").doesNotContain("beta__echo");

                Files.writeString(config, config(alpha) + upstream("beta", beta));

                await().atMost(LIMIT).until(() -> toolNames(client).contains("beta__echo"));
                assertThat(toolChanges.get()).isPositive();
                assertThat(alpha.initializations())
                        .as("alpha kept its connection")
                        .isEqualTo(1);
            }
        }
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static String config(TestUpstream alpha) {
        return "server:\n  port: 0\nupstreams:\n" + upstream("alpha", alpha);
    }

    private static String upstream(String name, TestUpstream upstream) {
        return "  - name: " + name + "\n    transport: streamable-http\n    url: " + upstream.url() + "\n";
    }

    private static void hangUp(Process process) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
                .inheritIO()
                .start();
        assertThat(kill.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private long generation(URI base) throws IOException, InterruptedException {
        HttpResponse<Void> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/readyz")).build(), HttpResponse.BodyHandlers.discarding());
        return Long.parseLong(
                response.headers().firstValue(HealthServlet.GENERATION_HEADER).orElseThrow());
    }
}
