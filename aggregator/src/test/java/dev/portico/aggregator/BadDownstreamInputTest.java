package dev.portico.aggregator;

import static dev.portico.aggregator.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 7: whatever a client sends, it gets the JSON-RPC or HTTP error the MCP transport spec (2025-11-25) and
 * JSON-RPC 2.0 call for, no stack trace, and no other session notices. Malformed input is sent as raw HTTP; the
 * bystander is an SDK client opened before the bad input, which must still list and call tools afterwards and must
 * not have received anything it did not ask for.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadDownstreamInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** HttpMcpServer's default limit for one POSTed message. */
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(LIMIT).build();

    private TestUpstream alpha;
    private Portico portico;

    /** The bystander: a healthy session, and everything the server sent it without being asked. */
    private McpSyncClient bystander;

    private final List<Object> unsolicited = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        alpha = TestUpstream.streamable("alpha");
        String yaml =
                """
                server:
                  port: 0
                upstreams:
                  - name: alpha
                    transport: streamable-http
                    url: %s
                    timeout: 10s
                """
                        .formatted(alpha.url());
        PorticoConfig config = new ConfigLoader(name -> null).parse(yaml, "test");
        portico = Portico.startHttp(config);
    }

    @AfterAll
    void stop() {
        portico.close();
        alpha.close();
    }

    /** The bystander's lists once its upstream is connected: a list_changed that leaves them as they are is no harm. */
    private volatile List<String> tools;

    private volatile List<String> resources;
    private volatile List<String> prompts;

    @BeforeEach
    void openBystander() {
        bystander = Clients.connect(Clients.streamable(portico.baseUri()), spec -> spec.toolsChangeConsumer(
                        list -> recordIfChanged(
                                tools, list.stream().map(McpSchema.Tool::name).toList(), list))
                .resourcesChangeConsumer(list -> recordIfChanged(
                        resources, list.stream().map(McpSchema.Resource::uri).toList(), list))
                .promptsChangeConsumer(list -> recordIfChanged(
                        prompts, list.stream().map(McpSchema.Prompt::name).toList(), list))
                .loggingConsumer(unsolicited::add)
                .progressConsumer(unsolicited::add));
        // The first list connects the upstream; the bystander's own list_changed for that is expected.
        assertBystanderWorks();
        tools = bystander.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        resources = bystander.listResources().resources().stream()
                .map(McpSchema.Resource::uri)
                .toList();
        prompts = bystander.listPrompts().prompts().stream()
                .map(McpSchema.Prompt::name)
                .toList();
        unsolicited.clear();
    }

    private void recordIfChanged(List<String> baseline, List<String> now, Object notification) {
        if (baseline != null && !baseline.equals(now)) {
            unsolicited.add(notification);
        }
    }

    @AfterEach
    void bystanderNoticedNothing() {
        assertBystanderWorks();
        assertThat(unsolicited)
                .as("notifications the bystander did not ask for")
                .isEmpty();
        bystander.closeGracefully();
    }

    private void assertBystanderWorks() {
        assertThat(bystander.listTools().tools())
                .extracting(McpSchema.Tool::name)
                .contains("alpha__echo");
        assertThat(text(bystander.callTool(new McpSchema.CallToolRequest("alpha__echo", Map.of("text", "still here")))))
                .isEqualTo("still here");
    }

    // ---------------------------------------------------------------- streamable HTTP: not a JSON-RPC message

    @Test
    void whenTheBodyIsNotJsonThenParseError() throws Exception {
        RawSession session = RawSession.open(this);
        Answer answer = session.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
        assertThat(answer.status()).isEqualTo(400);
        answer.assertError(-32700, null);
        session.assertStillWorks();
    }

    /** Each body, and the id the error must carry: the request's if it can be read, else null (JSON-RPC §5). */
    static Stream<Arguments> notJsonRpcMessages() {
        return Stream.of(
                Arguments.of("{\"id\":1,\"method\":\"tools/list\"}", 1), // no "jsonrpc"
                Arguments.of("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"tools/list\"}", 1), // wrong version
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":1}", 1), // neither method nor result nor error
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}", 1), // method is not a string
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"tools/list\"}", null),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"tools/list\"}", null),
                Arguments.of("42", null),
                Arguments.of("\"tools/list\"", null),
                // A batch: MCP removed JSON-RPC batching in 2025-06-18.
                Arguments.of("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]", null),
                Arguments.of("[]", null));
    }

    @ParameterizedTest
    @MethodSource("notJsonRpcMessages")
    void whenTheBodyIsJsonButNotAJsonRpcMessageThenInvalidRequest(String body, Integer id) throws Exception {
        RawSession session = RawSession.open(this);
        Answer answer = session.post(body);
        assertThat(answer.status()).isEqualTo(400);
        answer.assertError(-32600, id);
        session.assertStillWorks();
    }

    @Test
    void whenTheMethodIsUnknownThenMethodNotFoundWithTheId() throws Exception {
        RawSession session = RawSession.open(this);
        Answer answer =
                session.post("{\"jsonrpc\":\"2.0\",\"id\":\"q-7\",\"method\":\"tools/frobnicate\",\"params\":{}}");
        assertThat(answer.status()).isEqualTo(200);
        answer.assertError(-32601, "q-7");
        session.assertStillWorks();
    }

    @Test
    void whenTheToolDoesNotExistThenInvalidParamsNamingIt() throws Exception {
        RawSession session = RawSession.open(this);
        Answer answer = session.post(
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"alpha__nope\"}}");
        assertThat(answer.status()).isEqualTo(200);
        answer.assertError(-32602, 8);
        assertThat(answer.json().path("error").path("message").asText()).isEqualTo("Unknown tool: alpha__nope");
        session.assertStillWorks();
    }

    static Stream<String> invalidToolCallParams() {
        return Stream.of(
                "{}", // no name
                "{\"name\":42}",
                "{\"name\":[\"alpha__echo\"]}",
                "{\"name\":\"alpha__echo\",\"arguments\":\"text\"}",
                "\"alpha__echo\"");
    }

    @ParameterizedTest
    @MethodSource("invalidToolCallParams")
    void whenToolCallParamsAreInvalidThenInvalidParams(String params) throws Exception {
        RawSession session = RawSession.open(this);
        Answer answer =
                session.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":" + params + "}");
        assertThat(answer.status()).isEqualTo(200);
        answer.assertError(-32602, 9);
        session.assertStillWorks();
    }

    @Test
    void whenTheBodyIsTooLargeThen413AndTheSessionLives() throws Exception {
        RawSession session = RawSession.open(this);
        String padding = "x".repeat(MAX_REQUEST_BYTES);
        Answer answer = session.post("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"alpha__echo\",\"arguments\":{\"text\":\"" + padding + "\"}}}");
        assertThat(answer.status()).isEqualTo(413);
        session.assertStillWorks();
    }

    @Test
    void whenANotificationIsMalformedThenItIsAcceptedAndDroppedWithoutAnswer() throws Exception {
        RawSession session = RawSession.open(this);
        for (String notification : List.of(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":\"not an object\"}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":{\"x\":1}}}",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/no_such_thing\"}")) {
            Answer answer = session.post(notification);
            assertThat(answer.status()).as(notification).isEqualTo(202);
            assertThat(answer.body()).as(notification).isEmpty();
        }
        session.assertStillWorks();
    }

    // ---------------------------------------------------------------- streamable HTTP: sessions

    @Test
    void whenTheSessionIdIsUnknownThen404() throws Exception {
        Answer answer = postMcp(
                Optional.of(SessionIdsForTest.unknown()), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("stackTrace").doesNotContain("\tat ");
    }

    @Test
    void whenTheSessionIdHeaderIsMissingAfterInitializeThen400() throws Exception {
        RawSession.open(this); // a session exists; the request just does not name it
        Answer answer = postMcp(Optional.empty(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).doesNotContain("stackTrace").doesNotContain("\tat ");
    }

    @Test
    void whenAStreamIsOpenedForAnUnknownSessionThen404() throws Exception {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(mcp())
                        .timeout(LIMIT)
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", SessionIdsForTest.unknown())
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("stackTrace").doesNotContain("\tat ");
    }

    @Test
    void whenAnUnknownSessionIsDeletedThen404AndADeletedSessionIsGone() throws Exception {
        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(mcp())
                        .header("Mcp-Session-Id", SessionIdsForTest.unknown())
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);

        RawSession session = RawSession.open(this);
        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(mcp())
                        .header("Mcp-Session-Id", session.id)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(session.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}")
                        .status())
                .isEqualTo(404);
    }

    // ---------------------------------------------------------------- legacy SSE

    @Test
    void whenTheLegacySessionIdIsUnknownThen404() throws Exception {
        Answer answer = postMessage(SessionIdsForTest.unknown(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).doesNotContain("stackTrace").doesNotContain("\tat ");
    }

    @Test
    void whenALegacyBodyIsMalformedOrTooLargeThenTheLegacySessionLives() throws Exception {
        try (LegacySession session = LegacySession.open(this)) {
            Answer notJson = postMessage(session.id, "{\"jsonrpc\":");
            assertThat(notJson.status()).isEqualTo(400);
            notJson.assertError(-32700, null);

            Answer notJsonRpc = postMessage(session.id, "[1,2]");
            assertThat(notJsonRpc.status()).isEqualTo(400);
            notJsonRpc.assertError(-32600, null);

            Answer tooLarge = postMessage(
                    session.id,
                    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\",\"params\":{\"_meta\":{\"x\":\""
                            + "x".repeat(MAX_REQUEST_BYTES) + "\"}}}");
            assertThat(tooLarge.status()).isEqualTo(413);

            Answer unknownMethod = postMessage(session.id, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"nope\"}");
            assertThat(unknownMethod.status()).isEqualTo(200);
            JsonNode error = session.next();
            assertThat(error.path("id").asInt()).isEqualTo(4);
            assertThat(error.path("error").path("code").asInt()).isEqualTo(-32601);

            // The stream carried nothing for the refused messages, and the session still answers.
            assertThat(postMessage(session.id, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}")
                            .status())
                    .isEqualTo(200);
            JsonNode tools = session.next();
            assertThat(tools.path("id").asInt()).isEqualTo(5);
            assertThat(tools.path("result").path("tools").toString()).contains("alpha__echo");
        }
    }

    // ---------------------------------------------------------------- raw HTTP helpers

    private URI mcp() {
        return portico.baseUri().resolve("/mcp");
    }

    private Answer postMcp(Optional<String> sessionId, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(mcp())
                .timeout(LIMIT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        sessionId.ifPresent(id -> request.header("Mcp-Session-Id", id));
        return Answer.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private Answer postMessage(String sessionId, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(portico.baseUri().resolve("/message?sessionId=" + sessionId))
                .timeout(LIMIT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return Answer.of(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Session ids nobody was given: Portico's are 32 hex digits from a CSPRNG. */
    private static final class SessionIdsForTest {
        static String unknown() {
            return "0".repeat(32);
        }
    }

    /** An HTTP answer; for a request on streamable HTTP, the JSON-RPC message is the SSE event's data. */
    record Answer(int status, String contentType, String body) {

        static Answer of(HttpResponse<String> response) {
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        }

        JsonNode json() {
            if (!contentType.startsWith("text/event-stream")) {
                return parse(body);
            }
            // The response to the request; a notification on the same stream would carry a method.
            return body.lines()
                    .filter(line -> line.startsWith("data:"))
                    .map(line -> parse(line.substring("data:".length()).trim()))
                    .filter(message -> !message.has("method"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no response in: " + body));
        }

        private JsonNode parse(String json) {
            try {
                return JSON.readTree(json);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** A JSON-RPC 2.0 error response with {@code code} and {@code id} (null: the JSON null id). */
        void assertError(int code, Object id) {
            assertThat(body)
                    .as("never a stack trace")
                    .doesNotContain("stackTrace")
                    .doesNotContain("\tat ");
            JsonNode message = json();
            assertThat(message.path("jsonrpc").asText()).as(body).isEqualTo("2.0");
            assertThat(message.path("error").path("code").asInt()).as(body).isEqualTo(code);
            assertThat(message.path("error").path("message").asText()).as(body).isNotBlank();
            assertThat(message.has("result")).as(body).isFalse();
            JsonNode actualId = message.get("id");
            if (id == null) {
                assertThat(actualId == null || actualId.isNull()).as(body).isTrue();
            } else if (id instanceof Integer number) {
                assertThat(actualId.asInt()).as(body).isEqualTo(number);
            } else {
                assertThat(actualId.asText()).as(body).isEqualTo(id);
            }
        }
    }

    /** A streamable HTTP session driven by hand. */
    private static final class RawSession {
        private final BadDownstreamInputTest test;
        private final String id;
        private int nextId = 100;

        private RawSession(BadDownstreamInputTest test, String id) {
            this.test = test;
            this.id = id;
        }

        static RawSession open(BadDownstreamInputTest test) throws IOException, InterruptedException {
            HttpResponse<String> init = test.http.send(
                    HttpRequest.newBuilder(test.mcp())
                            .timeout(LIMIT)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            """
                                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":\
                                    "2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
            String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            RawSession session = new RawSession(test, id);
            assertThat(session.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                            .status())
                    .isEqualTo(202);
            return session;
        }

        Answer post(String body) throws IOException, InterruptedException {
            return test.postMcp(Optional.of(id), body);
        }

        /** The session answers a well-formed request after the bad one. */
        void assertStillWorks() throws IOException, InterruptedException {
            int requestId = nextId++;
            Answer answer = post(
                    "{\"jsonrpc\":\"2.0\",\"id\":" + requestId
                            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"alpha__echo\",\"arguments\":{\"text\":\"ok\"}}}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            JsonNode response = answer.json();
            assertThat(response.path("id").asInt()).isEqualTo(requestId);
            assertThat(response.path("result")
                            .path("content")
                            .path(0)
                            .path("text")
                            .asText())
                    .isEqualTo("ok");
        }
    }

    /** A legacy HTTP+SSE session driven by hand: the GET stream's events arrive in a queue. */
    private static final class LegacySession implements AutoCloseable {
        private final String id;
        private final BlockingQueue<String> events;
        private final CompletableFuture<HttpResponse<Stream<String>>> stream;

        private LegacySession(
                String id, BlockingQueue<String> events, CompletableFuture<HttpResponse<Stream<String>>> stream) {
            this.id = id;
            this.events = events;
            this.stream = stream;
        }

        static LegacySession open(BadDownstreamInputTest test) throws Exception {
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            CompletableFuture<HttpResponse<Stream<String>>> response = test.http.sendAsync(
                    HttpRequest.newBuilder(test.portico.baseUri().resolve("/sse"))
                            .header("Accept", "text/event-stream")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            response.thenAcceptAsync(r -> {
                Iterator<String> lines = r.body().iterator();
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data:")) {
                        events.add(line.substring("data:".length()).trim());
                    }
                }
            });
            String endpoint = events.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(endpoint).as("endpoint event").isNotNull().contains("sessionId=");
            String id = endpoint.substring(endpoint.indexOf("sessionId=") + "sessionId=".length());
            LegacySession session = new LegacySession(id, events, response);
            test.postMessage(
                    id,
                    """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2024-11-05",\
                    "capabilities":{},"clientInfo":{"name":"raw-sse","version":"1"}}}""");
            assertThat(session.next().path("id").asInt()).isEqualTo(1);
            test.postMessage(id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            return session;
        }

        /**
         * The next response on the stream. Notifications are skipped: the session's own upstream connecting makes
         * Portico announce list changes.
         */
        JsonNode next() throws Exception {
            while (true) {
                String data = events.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(data).as("a message on the SSE stream").isNotNull();
                JsonNode message = JSON.readTree(data);
                if (!message.has("method")) {
                    return message;
                }
            }
        }

        @Override
        public void close() {
            // Closing the body ends the GET stream, which ends the legacy session.
            stream.thenAccept(r -> r.body().close());
        }
    }
}
