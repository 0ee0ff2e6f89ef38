package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portico demo --stdio}: a client drives Portico over stdin/stdout, and stdout carries only JSON-RPC. */
class StdioModeTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sdkClientListsAndCallsTheDemoTools() {
        try (McpSyncClient client = PorticoProcess.stdioClient(spec -> {}, "demo", "--stdio")) {
            client.initialize();

            assertThat(client.listTools().tools()).extracting(Tool::name).contains("demo__echo");

            CallToolResult echo = client.callTool(CallToolRequest.builder("demo__echo")
                    .arguments(Map.of("text", "hi"))
                    .build());
            assertThat(echo.isError()).isNotEqualTo(Boolean.TRUE);
            assertThat(((TextContent) echo.content().get(0)).text()).isEqualTo("hi");
        }
    }

    /**
     * Speaks raw JSON-RPC so that every byte of stdout can be inspected: each line must be a JSON-RPC message (the
     * banner and the logs go to stderr). Closing stdin ends the process with exit code 0.
     */
    @Test
    void stdoutCarriesOnlyJsonRpcAndClosingStdinExitsZero() throws Exception {
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(PorticoProcess.command("demo", "--stdio"))
                .redirectError(stderr.toFile())
                .start();
        try {
            List<String> stdout = new ArrayList<>();
            CompletableFuture<Void> toolsListed = new CompletableFuture<>();
            CompletableFuture<Void> stdoutEnded = new CompletableFuture<>();
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader lines = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = lines.readLine()) != null) {
                                synchronized (stdout) {
                                    stdout.add(line);
                                }
                                if (line.contains("\"demo__echo\"")) {
                                    toolsListed.complete(null);
                                }
                            }
                            stdoutEnded.complete(null);
                        } catch (IOException e) {
                            stdoutEnded.completeExceptionally(e);
                        }
                        toolsListed.completeExceptionally(new IllegalStateException("stdout ended"));
                    },
                    "portico-stdout");
            reader.setDaemon(true);
            reader.start();

            OutputStream stdin = process.getOutputStream();
            send(
                    stdin,
                    """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                    "capabilities":{},"clientInfo":{"name":"raw-test","version":"1"}}}""");
            send(stdin, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            send(stdin, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{}}");
            try {
                toolsListed.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(
                        "no tools/list answer with demo__echo (" + e + ")\n--- stdout:\n" + String.join("\n", stdout)
                                + "\n--- stderr:\n" + Files.readString(stderr),
                        e);
            }

            stdin.close();
            assertThat(process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("portico exits once stdin is closed; stderr:\n%s", Files.readString(stderr))
                    .isTrue();
            assertThat(process.exitValue()).isZero();
            stdoutEnded.get(LIMIT.toSeconds(), TimeUnit.SECONDS);

            List<String> lines;
            synchronized (stdout) {
                lines = List.copyOf(stdout);
            }
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                JsonNode message = parse(line);
                assertThat(message.path("jsonrpc").asText()).as(line).isEqualTo("2.0");
            }
            assertThat(lines)
                    .anySatisfy(
                            line -> assertThat(parse(line).path("id").asInt()).isEqualTo(1));
            // The banner and the logs went to stderr.
            assertThat(Files.readString(stderr)).contains("Portico demo is serving MCP over stdin/stdout");
        } finally {
            process.destroyForcibly();
        }
    }

    private static void send(OutputStream stdin, String message) throws IOException {
        stdin.write((message + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("stdout line is not JSON: " + line, e);
        }
    }
}
