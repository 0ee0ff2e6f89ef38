package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 7 over stdio: a line that is not a JSON-RPC message gets a JSON-RPC error on stdout (JSON-RPC 2.0
 * §5.1) and the session goes on reading. The SDK's stdio transport alone stops reading stdin at the first such line,
 * which leaves the client with a process that never answers again.
 */
class StdioBadInputTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** StdioMcpServer's limit for one line. */
    private static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void whenLinesAreMalformedThenEachGetsItsErrorAndTheSessionKeepsWorking() throws Exception {
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(PorticoProcess.command("demo", "--stdio"))
                .redirectError(stderr.toFile())
                .start();
        try {
            BlockingQueue<JsonNode> stdout = new LinkedBlockingQueue<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = lines.readLine()) != null) {
                                stdout.add(JSON.readTree(line)); // every stdout line must be JSON
                            }
                        } catch (IOException e) {
                            // the process ended; the test sees the missing answers
                        }
                    },
                    "portico-stdout");
            reader.setDaemon(true);
            reader.start();

            OutputStream stdin = process.getOutputStream();
            send(
                    stdin,
                    """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",\
                    "capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}""");
            assertThat(responses(stdout, 1, stderr).get(0).path("id").asInt()).isEqualTo(1);
            send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            // Written from another thread: a Portico that stopped reading stdin would block the writer once the pipe
            // is full, and the test is to fail by missing answers, not hang.
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                try {
                    send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":");
                    send(stdin, "");
                    send(stdin, "[{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}]");
                    send(stdin, "{\"jsonrpc\":\"1.0\",\"id\":4,\"method\":\"tools/list\"}");
                    send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/frobnicate\"}");
                    send(
                            stdin,
                            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{\"name\":\"demo__nope\"}}");
                    send(
                            stdin,
                            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":\"not an object\"}");
                    send(
                            stdin,
                            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\",\"params\":{\"_meta\":{\"x\":\""
                                    + "x".repeat(MAX_LINE_BYTES) + "\"}}}");
                    send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });

            // Seven answers: the empty line and the notification get none. Their order is not fixed: a line that is
            // not a message is answered as it is read, a request when its work is done.
            List<JsonNode> responses = responses(stdout, 7, stderr);
            assertThat(responses)
                    .extracting(
                            r -> r.path("id").isNull() ? "null" : r.path("id").asText(),
                            r -> r.path("error").path("code").asInt())
                    .containsExactlyInAnyOrder(
                            tuple("null", -32700), // not JSON
                            tuple("null", -32600), // a batch
                            tuple("4", -32600), // wrong version, id readable
                            tuple("5", -32601),
                            tuple("6", -32602),
                            tuple("null", -32600), // too long
                            tuple("8", 0)); // tools/list answered
            JsonNode tools = responses.stream()
                    .filter(r -> r.path("id").asInt() == 8)
                    .findFirst()
                    .orElseThrow();
            assertThat(tools.path("result").path("tools").toString()).contains("\"demo__echo\"");
            assertThat(responses.stream().map(JsonNode::toString)).noneMatch(s -> s.contains("\\tat "));

            written.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            stdin.close();
            assertThat(process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("portico exits once stdin is closed; stderr:\n%s", Files.readString(stderr))
                    .isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    /** The next {@code count} responses (messages without a method). */
    private static List<JsonNode> responses(BlockingQueue<JsonNode> stdout, int count, Path stderr) throws Exception {
        List<JsonNode> responses = new ArrayList<>();
        while (true) {
            JsonNode message = stdout.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("expected " + count + " responses, got " + responses + "\n--- stderr:\n"
                        + Files.readString(stderr));
            }
            if (message.has("method")) {
                continue; // Portico's own notifications, e.g. list_changed as the demo upstream connects
            }
            responses.add(message);
            if (responses.size() == count) {
                return responses;
            }
        }
    }

    private static void send(OutputStream stdin, String message) throws IOException {
        stdin.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }
}
