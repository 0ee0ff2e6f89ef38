package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.testing.Browser;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portico demo} (the README's first command, minus the build) starts, serves the demo upstream, and takes a
 * user through the sign-in to its protected upstream.
 */
class DemoStartsTest {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** The banner line with the MCP endpoint: "  MCP endpoint (streamable HTTP):  http://127.0.0.1:PORT/mcp". */
    private static final Pattern MCP_URL = Pattern.compile("MCP endpoint \\(streamable HTTP\\):\\s+(http://\\S+)/mcp");

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void demoServesTheDemoUpstreamThroughPortico() throws Exception {
        Path stderr = dir.resolve("stderr.log");
        process = new ProcessBuilder(PorticoProcess.command("demo", "--port", "0"))
                .redirectError(stderr.toFile())
                .start();
        process.getOutputStream().close();

        URI base = awaitListeningUrl(stderr);
        awaitReady(base, stderr);

        try (McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base.toString())
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(REQUEST_TIMEOUT)
                .initializationTimeout(REQUEST_TIMEOUT)
                .build()) {
            client.initialize();

            assertThat(client.listTools().tools()).extracting(Tool::name).contains("demo__echo");

            CallToolResult echo = client.callTool(CallToolRequest.builder("demo__echo")
                    .arguments(Map.of("text", "hi"))
                    .build());
            assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(echo.content()).first().isInstanceOf(TextContent.class);
            assertThat(((TextContent) echo.content().get(0)).text()).isEqualTo("hi");

            // The protected upstream: a challenge, a browser sign-in at the demo identity provider, then its answer.
            CallToolResult challenge = client.callTool(CallToolRequest.builder("calendar__whoami")
                    .arguments(Map.of())
                    .build());
            assertThat(challenge.isError()).isTrue();
            @SuppressWarnings("unchecked")
            Map<String, Object> structured = (Map<String, Object>) challenge.structuredContent();
            assertThat(structured).containsEntry("status", "auth_required").containsEntry("server", "calendar");
            Browser.Page page = new Browser().open(URI.create((String) structured.get("auth_url")));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            await().atMost(STARTUP_LIMIT).until(() -> client.listTools().tools().stream()
                    .anyMatch(tool -> tool.name().equals("calendar__whoami")));
            CallToolResult whoami = client.callTool(CallToolRequest.builder("calendar__whoami")
                    .arguments(Map.of())
                    .build());
            assertThat(((TextContent) whoami.content().get(0)).text()).contains("demo-user");
        }

        // Text is the default log format: one human-readable line per event, the request's fields at the end.
        String log = read(stderr);
        assertThat(log.lines()).noneMatch(line -> line.startsWith("{"));
        assertThat(log)
                .containsPattern(
                        "(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  PorticoRunner - Portico listening on http://")
                .containsPattern("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  CallLog - Tool call demo__echo answered by"
                        + " upstream 'demo' \\[.*session=[0-9a-f]{8}\\b.*]$")
                .containsPattern("(?m)Tool call demo__echo answered .*\\[.*tool=demo__echo.*]$");
    }

    /** Reads the banner from the child's stdout until it names the MCP endpoint; returns the base URL. */
    private URI awaitListeningUrl(Path stderr) throws Exception {
        CompletableFuture<URI> url = new CompletableFuture<>();
        StringBuilder seen = new StringBuilder();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            synchronized (seen) {
                                seen.append(line).append('\n');
                            }
                            Matcher matcher = MCP_URL.matcher(line);
                            if (matcher.find()) {
                                url.complete(URI.create(matcher.group(1)));
                            }
                        }
                        url.completeExceptionally(new IllegalStateException("stdout ended"));
                    } catch (IOException e) {
                        url.completeExceptionally(e);
                    }
                },
                "demo-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            return url.get(STARTUP_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            String out;
            synchronized (seen) {
                out = seen.toString();
            }
            throw new AssertionError(
                    "portico demo did not print its MCP URL (" + e + ")\n--- stdout:\n" + out + "--- stderr:\n"
                            + read(stderr),
                    e);
        }
    }

    /** Polls /readyz until it answers 200; gives up after {@link #STARTUP_LIMIT}. */
    private void awaitReady(URI base, Path stderr) throws Exception {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create(base + "/readyz"))
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "portico demo exited with " + process.exitValue() + "\n--- stderr:\n" + read(stderr));
            }
            try {
                HttpResponse<String> response = http.send(readyz, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                base + "/readyz never answered 200 (last: " + last + ")\n--- stderr:\n" + read(stderr));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
