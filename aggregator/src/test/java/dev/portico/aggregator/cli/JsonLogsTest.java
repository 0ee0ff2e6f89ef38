package dev.portico.aggregator.cli;

import static dev.portico.aggregator.cli.ToolCalls.authUrl;
import static dev.portico.aggregator.cli.ToolCalls.call;
import static dev.portico.aggregator.cli.ToolCalls.text;
import static dev.portico.aggregator.cli.ToolCalls.toolNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.testing.Browser;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code portico serve --log-format json}, run as a child process as an operator runs it: every stderr line is a JSON
 * object, the lines written for a tool call carry the call's fields, the W3C trace context of a downstream request
 * reaches the upstream (over streamable HTTP and legacy SSE, both ways round) while an invalid one does not, and no
 * credential of the run (taken from the identity provider's side) nor a full session id is ever written.
 */
class JsonLogsTest {

    /** A bound for waiting on a child JVM, never an expectation of how fast it is. */
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final String SSE_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    private static final String TRACESTATE = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";

    @TempDir
    Path dir;

    private Process process;
    private Path stderr;

    /** The trace headers the test's MCP clients send with each request; none when unset. */
    private final AtomicReference<String> traceparent = new AtomicReference<>();

    private final AtomicReference<String> tracestate = new AtomicReference<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void jsonLogLinesCarryTheCallsFieldsTheTraceContextReachesTheUpstreamAndNoSecretIsWritten() throws Exception {
        Set<String> credentials;
        try (DemoIdentityProvider idp = DemoIdentityProvider.builder().build().start();
                ProtectedDemoUpstream calendar =
                        ProtectedDemoUpstream.builder("calendar", idp).build().start();
                TestUpstream tracer = TestUpstream.streamable("tracer");
                TestUpstream legacy = TestUpstream.sse("legacy")) {
            URI base = start(
                    """
                    server:
                      port: 0
                    security:
                      allowedPrivateNetworks: [127.0.0.0/8]
                    upstreams:
                      - name: calendar
                        transport: streamable-http
                        url: %s
                        timeout: 10s
                      - name: tracer
                        transport: streamable-http
                        url: %s
                        timeout: 10s
                      - name: legacy
                        transport: sse
                        url: %s
                        timeout: 10s
                    """
                            .formatted(calendar.mcpUrl(), tracer.url(), legacy.url()),
                    "--log-format",
                    "json");

            try (McpSyncClient client = client(HttpClientStreamableHttpTransport.builder(base.toString())
                    .endpoint("/mcp")
                    .httpRequestCustomizer(traceHeaders())
                    .build())) {
                client.initialize();
                await().atMost(LIMIT).until(() -> toolNames(client)
                        .containsAll(List.of("tracer__trace", "legacy__trace", "calendar__authenticate")));

                traceparent.set(TRACEPARENT);
                tracestate.set(TRACESTATE);
                assertThat(text(call(client, "tracer__trace")))
                        .as("a valid traceparent and its tracestate reach a streamable HTTP upstream unchanged")
                        .isEqualTo(
                                "{\"traceparent\":[\"" + TRACEPARENT + "\"],\"tracestate\":[\"" + TRACESTATE + "\"]}");
                assertThat(text(call(client, "legacy__trace")))
                        .as("and an SSE upstream")
                        .isEqualTo(
                                "{\"traceparent\":[\"" + TRACEPARENT + "\"],\"tracestate\":[\"" + TRACESTATE + "\"]}");

                traceparent.set("00-00000000000000000000000000000000-00f067aa0ba902b7-01");
                assertThat(text(call(client, "tracer__trace")))
                        .as("an invalid traceparent (all-zero trace-id) is not forwarded, nor its tracestate")
                        .isEqualTo("{}");
                traceparent.set(null);
                tracestate.set(null);
                assertThat(text(call(client, "tracer__trace")))
                        .as("without a traceparent, none is invented")
                        .isEqualTo("{}");

                URI link = authUrl(call(client, "calendar__whoami"));
                Browser.Page page = new Browser().open(link);
                assertThat(page.body()).contains("Signed in to calendar");
                await().atMost(LIMIT).until(() -> toolNames(client).contains("calendar__whoami"));
                assertThat(text(call(client, "calendar__whoami"))).contains("hello demo-user");

                tracer.stop();
                McpSchema.CallToolResult failed = call(client, "tracer__echo");
                assertThat(failed.isError()).isTrue();
            }

            // Legacy SSE downstream: the trace context of each POST to /message counts.
            traceparent.set(SSE_TRACEPARENT);
            try (McpSyncClient sseClient = client(HttpClientSseClientTransport.builder(base.toString())
                    .sseEndpoint("/sse")
                    .httpRequestCustomizer(traceHeaders())
                    .build())) {
                sseClient.initialize();
                await().atMost(LIMIT).until(() -> toolNames(sseClient).contains("legacy__trace"));
                assertThat(text(call(sseClient, "legacy__trace")))
                        .isEqualTo("{\"traceparent\":[\"" + SSE_TRACEPARENT + "\"]}");
            }
            credentials = idp.secretsSeen().keySet();
        }

        List<JsonNode> lines = jsonLines();
        JsonNode traced = line(lines, "Tool call tracer__trace answered by upstream 'tracer'", TRACE_ID);
        assertThat(traced.path("level").asText()).isEqualTo("INFO");
        assertThat(traced.path("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertCallFields(traced, "tracer", "tracer__trace");
        String session = traced.path("session").asText();

        JsonNode signedIn = line(lines, "Tool call calendar__whoami answered by upstream 'calendar'", null);
        assertCallFields(signedIn, "calendar", "calendar__whoami");
        assertThat(signedIn.path("session").asText()).isEqualTo(session);

        // The challenge the call was answered with; the broker had started the sign-in when the upstream said 401.
        JsonNode challenge = line(lines, "Answering with a sign-in challenge for upstream 'calendar'", null);
        assertCallFields(challenge, "calendar", "calendar__whoami");
        assertThat(challenge.path("session").asText()).isEqualTo(session);
        JsonNode audit = lines.stream()
                .filter(l -> l.path("audit").path("event").asText().equals("challenge_issued"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no challenge_issued audit line in\n" + read()));
        assertThat(audit.path("logger_name").asText()).isEqualTo("portico.audit");
        assertThat(audit.path("audit").path("server").asText()).isEqualTo("calendar");
        assertThat(audit.path("audit").path("session").asText()).startsWith(session);

        // The failed call and the upstream's failure, both written on the thread where the failure arrived.
        JsonNode failure = line(lines, "Tool call tracer__echo to upstream 'tracer' failed", null);
        assertThat(failure.path("level").asText()).isEqualTo("WARN");
        assertCallFields(failure, "tracer", "tracer__echo");
        JsonNode withdrawn = line(lines, "its tools are withdrawn", null);
        assertThat(withdrawn.path("request_id").asText())
                .isEqualTo(failure.path("request_id").asText());
        assertThat(withdrawn.path("tool").asText()).isEqualTo("tracer__echo");

        // Lines written outside any request still name the session (and upstream) they are about.
        JsonNode needsSignIn =
                line(lines, "upstream 'calendar' requires authorization (HTTP 401) (session " + session, null);
        assertThat(needsSignIn.path("session").asText()).isEqualTo(session);
        assertThat(needsSignIn.path("upstream").asText()).isEqualTo("calendar");
        assertThat(needsSignIn.has("request_id")).isFalse();
        assertThat(line(lines, "Session " + session + " opened", null)
                        .path("session")
                        .asText())
                .isEqualTo(session);

        JsonNode overSse = line(
                lines, "Tool call legacy__trace answered by upstream 'legacy'", "0af7651916cd43dd8448eb211c80319c");
        assertCallFields(overSse, "legacy", "legacy__trace");

        String everything = read();
        assertThat(credentials)
                .as("the run's codes, verifiers and tokens, from the identity provider's side")
                .hasSizeGreaterThanOrEqualTo(4);
        for (String credential : credentials) {
            if (everything.contains(credential)) {
                fail("a credential of the run is in the log:\n" + everything);
            }
        }
        assertThat(Pattern.compile(Pattern.quote(session) + "[0-9a-f]{24}")
                        .matcher(everything)
                        .find())
                .as("the full session id is never logged, only its first 8 characters")
                .isFalse();
    }

    private static void assertCallFields(JsonNode line, String upstream, String tool) {
        assertThat(line.path("request_id").asText()).as(line.toString()).isNotEmpty();
        assertThat(line.path("session").asText()).as(line.toString()).hasSize(8);
        assertThat(line.path("upstream").asText()).as(line.toString()).isEqualTo(upstream);
        assertThat(line.path("tool").asText()).as(line.toString()).isEqualTo(tool);
        assertThat(line.path("logger_name").asText()).as(line.toString()).isNotEmpty();
        assertThat(line.path("thread_name").asText()).as(line.toString()).isNotEmpty();
    }

    /** The first line whose message contains {@code text} and, if given, whose trace_id is {@code traceId}. */
    private JsonNode line(List<JsonNode> lines, String text, String traceId) {
        return lines.stream()
                .filter(l -> l.path("message").asText().contains(text))
                .filter(l ->
                        traceId == null || traceId.equals(l.path("trace_id").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line with '" + text + "'"
                        + (traceId == null ? "" : " and trace_id " + traceId) + " in\n" + read()));
    }

    /** Every line of stderr, each of which must be one JSON object. */
    private List<JsonNode> jsonLines() throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(stderr)) {
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line: " + line + "\n--- stderr:\n" + read(), e);
            }
            assertThat(node).as(line).isNotNull();
            assertThat(node.isObject()).as(line).isTrue();
            parsed.add(node);
        }
        assertThat(parsed).isNotEmpty();
        return parsed;
    }

    private URI start(String yaml, String... options) throws IOException {
        Path config = Files.writeString(dir.resolve("portico.yaml"), yaml);
        List<String> args = new ArrayList<>(List.of("serve", "--config", config.toString()));
        args.addAll(List.of(options));
        stderr = dir.resolve("stderr.log");
        process = new ProcessBuilder(PorticoProcess.command(args.toArray(String[]::new)))
                .redirectError(stderr.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        process.getOutputStream().close();
        return PorticoProcess.awaitListening(process, stderr, LIMIT);
    }

    private McpSyncHttpClientRequestCustomizer traceHeaders() {
        return (request, method, uri, body, context) -> {
            String parent = traceparent.get();
            if (parent != null) {
                request.setHeader("traceparent", parent);
            }
            String state = tracestate.get();
            if (state != null) {
                request.setHeader("tracestate", state);
            }
        };
    }

    private static McpSyncClient client(io.modelcontextprotocol.spec.McpClientTransport transport) {
        return McpClient.sync(transport)
                .requestTimeout(LIMIT)
                .initializationTimeout(LIMIT)
                .build();
    }

    private String read() {
        return PorticoProcess.read(stderr);
    }
}
