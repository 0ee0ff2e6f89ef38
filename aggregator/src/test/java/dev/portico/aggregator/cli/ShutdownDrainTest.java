package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.testing.StdioTestUpstream;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM stops a Portico process gracefully: {@code /readyz} turns unready, new requests are refused, calls in flight
 * finish (or are cancelled once {@code server.shutdownGracePeriod} is over), stdio children stop, and the exit code is
 * 0. {@link Process#destroy()} sends SIGTERM on Linux and macOS.
 */
class ShutdownDrainTest {

    /** A bound for waiting on a child JVM, never an expectation of how fast it is. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private Process process;
    private Path stderr;

    @AfterEach
    void killWhatIsLeft() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void sigtermLetsTheCallInFlightFinishWhileUnreadyThenStopsTheStdioChildAndExitsZero() throws Exception {
        List<String> upstream = StdioTestUpstream.command("worker");
        URI base = start(
                """
                server:
                  port: 0
                  shutdownGracePeriod: 10m
                upstreams:
                  - name: worker
                    transport: stdio
                    command: %s
                    args: [%s]
                    timeout: 30s
                """
                        .formatted(upstream.get(0), quoted(upstream.subList(1, upstream.size()))));
        // The upstream's tool waits for the client's answer to its elicitation: the test decides when the call ends.
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch mayAnswer = new CountDownLatch(1);
        try (McpSyncClient client = client(base, spec -> spec.capabilities(
                        McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.countDown();
                    awaitQuietly(mayAnswer);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("answer", "done"));
                }))) {
            client.initialize();
            CompletableFuture<CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> client.callTool(CallToolRequest.builder("worker__elicit")
                            .arguments(Map.of("message", "finish?"))
                            .build()));
            assertThat(asked.await(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the call reached the upstream; stderr:\n%s", stderr())
                    .isTrue();
            ProcessHandle child = stdioChild().orElseThrow(() -> new AssertionError("no stdio child\n" + stderr()));

            process.destroy();

            await().atMost(LIMIT).untilAsserted(() -> assertThat(readyz(base))
                    .isEqualTo("503 {\"status\":\"not ready\",\"reason\":\"stopping\",\"configGeneration\":1}"));
            assertThatThrownBy(client::listTools)
                    .isInstanceOf(McpError.class)
                    .hasMessageContaining("Portico is stopping and takes no new requests");
            assertThat(call).isNotDone();

            mayAnswer.countDown();
            assertThat(text(call.get(LIMIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo("elicited: accept done");
            assertExitsZero();
            await().atMost(LIMIT).until(() -> !child.isAlive());
            assertThat(stderr())
                    .contains("waiting up to 10m for 1 request(s) in flight")
                    .contains("every request in flight was answered");
        } finally {
            mayAnswer.countDown();
        }
    }

    @Test
    void aCallLongerThanTheGracePeriodIsCancelledWithAClearErrorAndTheProcessStillExitsZero() throws Exception {
        try (TestUpstream upstream = TestUpstream.streamable("slowpoke")) {
            URI base = start(
                    """
                    server:
                      port: 0
                      shutdownGracePeriod: 1s
                    upstreams:
                      - name: slowpoke
                        transport: streamable-http
                        url: %s
                    """
                            .formatted(upstream.url()));
            try (McpSyncClient client = client(base, spec -> {})) {
                client.initialize();
                CompletableFuture<CallToolResult> call =
                        CompletableFuture.supplyAsync(() -> client.callTool(CallToolRequest.builder("slowpoke__slow")
                                .arguments(Map.of("millis", 600_000))
                                .build()));
                await().atMost(LIMIT).until(() -> upstream.catalog().slowCallsInFlight() == 1);

                process.destroy();

                CallToolResult result = call.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.isError()).isTrue();
                assertThat(text(result))
                        .isEqualTo("Portico is stopping; the call to slowpoke was cancelled before it finished."
                                + " Try again once Portico is back.");
                await().atMost(LIMIT).until(upstream::sawCancellation);
                assertExitsZero();
                assertThat(stderr()).contains("grace period over, 1 request(s) cancelled");
            }
        }
    }

    /**
     * Over stdio, speaking raw JSON-RPC so that the test can hold the upstream's elicitation unanswered while it
     * sends SIGTERM: the one session's call in flight is drained the same way, and the exit code is 0.
     */
    @Test
    void inStdioModeSigtermDrainsTheClientsCallInFlightAndExitsZero() throws Exception {
        List<String> upstream = StdioTestUpstream.command("worker");
        Path config = dir.resolve("portico.yaml");
        Files.writeString(
                config,
                """
                upstreams:
                  - name: worker
                    transport: stdio
                    command: %s
                    args: [%s]
                    timeout: 30s
                """
                        .formatted(upstream.get(0), quoted(upstream.subList(1, upstream.size()))));
        stderr = dir.resolve("stderr.log");
        process = new ProcessBuilder(PorticoProcess.command("--config", config.toString(), "--stdio"))
                .redirectError(stderr.toFile())
                .start();
        StdioPeer peer = new StdioPeer(process);

        peer.send(
                """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",                "capabilities":{"elicitation":{}},"clientInfo":{"name":"raw","version":"1"}}}""");
        peer.awaitMessage(message -> message.path("id").asInt() == 1);
        peer.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        peer.send(
                """
                {"jsonrpc":"2.0","id":2,"method":"tools/call",                "params":{"name":"worker__elicit","arguments":{"message":"finish?"}}}""");
        JsonNode elicitation = peer.awaitMessage(
                message -> "elicitation/create".equals(message.path("method").asText()));

        // SIGTERM, like Process.destroy(), which would also close the pipes the test still needs.
        process.toHandle().destroy();

        AtomicInteger nextId = new AtomicInteger(100);
        await().atMost(LIMIT).until(() -> {
            int id = nextId.incrementAndGet();
            peer.send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/list\"}");
            return peer.awaitMessage(message -> message.path("id").asInt() == id)
                            .path("error")
                            .path("code")
                            .asInt()
                    == -32000;
        });
        peer.send("{\"jsonrpc\":\"2.0\",\"id\":" + elicitation.get("id")
                + ",\"result\":{\"action\":\"accept\",\"content\":{\"answer\":\"done\"}}}");
        JsonNode result = peer.awaitMessage(message -> message.path("id").asInt() == 2);
        assertThat(result.at("/result/content/0/text").asText())
                .as(result.toString())
                .isEqualTo("elicited: accept done");
        assertExitsZero();
        assertThat(stderr()).contains("every request in flight was answered");
    }

    /** Writes {@code yaml} to a file, starts Portico on it and returns its base URL once it listens. */
    private URI start(String yaml) throws IOException {
        Path config = dir.resolve("portico.yaml");
        Files.writeString(config, yaml);
        ServingPortico serving = ServingPortico.start(config, dir, LIMIT);
        process = serving.process();
        stderr = dir.resolve("stderr.log");
        return serving.baseUri();
    }

    private void assertExitsZero() throws InterruptedException {
        assertThat(process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS))
                .as("portico exits after SIGTERM; stderr:\n%s", stderr())
                .isTrue();
        assertThat(process.exitValue()).as("exit code; stderr:\n%s", stderr()).isZero();
    }

    /**
     * The stdio upstream Portico started for the session: its only child process here. (The child's command line
     * cannot tell, as the JDK reads only its first 4 KiB, all class path.)
     */
    private Optional<ProcessHandle> stdioChild() {
        List<ProcessHandle> children = process.children().toList();
        assertThat(children).as("Portico's child processes").hasSize(1);
        return Optional.of(children.get(0));
    }

    private String readyz(URI base) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(base + "/readyz")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private static McpSyncClient client(URI base, Consumer<McpClient.SyncSpec> customizer) {
        McpClient.SyncSpec spec = McpClient.sync(HttpClientStreamableHttpTransport.builder(base.toString())
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(LIMIT)
                .initializationTimeout(LIMIT);
        customizer.accept(spec);
        return spec.build();
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    private static String quoted(List<String> args) {
        return args.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", "));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client's end of Portico's stdin and stdout: each line a JSON-RPC message. */
    private static final class StdioPeer {

        private static final ObjectMapper JSON = new ObjectMapper();

        private final OutputStream stdin;
        private final List<JsonNode> received = new CopyOnWriteArrayList<>();

        StdioPeer(Process process) {
            this.stdin = process.getOutputStream();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = lines.readLine()) != null) {
                                received.add(JSON.readTree(line));
                            }
                        } catch (IOException e) {
                            // the process ended
                        }
                    },
                    "portico-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void send(String message) throws IOException {
            stdin.write((message + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        JsonNode awaitMessage(Predicate<JsonNode> wanted) {
            return await().atMost(LIMIT)
                    .until(() -> received.stream().filter(wanted).findFirst(), Optional::isPresent)
                    .orElseThrow();
        }
    }

    private String stderr() {
        return PorticoProcess.read(stderr);
    }
}
