package dev.portico.aggregator;

import static dev.portico.aggregator.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import dev.portico.testing.StdioTestUpstream;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Portico in the middle of real MCP servers on loopback: a streamable HTTP upstream ("alpha"), a legacy SSE upstream
 * ("beta") and a stdio child ("gamma"), with SDK clients downstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregatorTest {

    private TestUpstream alpha;
    private TestUpstream beta;
    private Portico portico;

    @BeforeAll
    void start() throws Exception {
        alpha = TestUpstream.streamable("alpha");
        beta = TestUpstream.sse("beta");
        List<String> stdio = StdioTestUpstream.command("gamma");
        String stdioCommand = stdio.get(0);
        List<String> stdioArgs = stdio.subList(1, stdio.size());
        String yaml =
                """
                server:
                  port: 0
                upstreams:
                  - name: alpha
                    transport: streamable-http
                    url: %s
                    timeout: 10s
                    pingInterval: 500ms
                    reconnect: {initialDelay: 100ms, maxDelay: 500ms}
                  - name: beta
                    transport: sse
                    url: %s
                    timeout: 10s
                  - name: delta
                    transport: streamable-http
                    url: http://127.0.0.1:%d/mcp
                    timeout: 5s
                  - name: gamma
                    transport: stdio
                    command: %s
                    args: [%s]
                    timeout: 20s
                """
                        .formatted(
                                alpha.url(),
                                beta.url(),
                                closedPort(),
                                stdioCommand,
                                stdioArgs.stream().map(a -> "\"" + a + "\"").collect(Collectors.joining(", ")));
        PorticoConfig config = new ConfigLoader(name -> null).parse(yaml, "test");
        portico = Portico.startHttp(config);
    }

    /** A loopback port nothing listens on: bound once, then released. */
    private static int closedPort() throws java.io.IOException {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @AfterAll
    void stop() {
        portico.close();
        alpha.close();
        beta.close();
    }

    private McpSyncClient client() {
        return Clients.connect(Clients.streamable(portico.baseUri()));
    }

    static List<String> downstreamTransports() {
        return List.of("streamable", "sse");
    }

    private io.modelcontextprotocol.spec.McpClientTransport downstream(String kind) {
        return kind.equals("sse") ? Clients.sse(portico.baseUri()) : Clients.streamable(portico.baseUri());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("downstreamTransports")
    void whenConnectedOverEitherHttpTransportThenListingAndCallingWork(String kind) {
        try (McpSyncClient client = Clients.connect(downstream(kind))) {
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("alpha__echo", "beta__echo", "gamma__echo");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("gamma__echo", Map.of("text", kind)))))
                    .isEqualTo(kind);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("downstreamTransports")
    void whenTwoClientsOfOneTransportSampleThenEachGetsItsOwnAnswer(String kind) throws Exception {
        try (McpSyncClient one = samplingClient(downstream(kind), "one");
                McpSyncClient two = samplingClient(downstream(kind), "two")) {
            CompletableFuture<String> a = CompletableFuture.supplyAsync(
                    () -> text(one.callTool(new McpSchema.CallToolRequest("alpha__sample", Map.of("prompt", "hi")))));
            CompletableFuture<String> b = CompletableFuture.supplyAsync(
                    () -> text(two.callTool(new McpSchema.CallToolRequest("beta__sample", Map.of("prompt", "hi")))));
            assertThat(a.get()).isEqualTo("sampled: answer from one");
            assertThat(b.get()).isEqualTo("sampled: answer from two");
        }
    }

    @Test
    void whenAnUpstreamIsDownFromTheStartThenOthersServeAndItsCallsNameIt() {
        try (McpSyncClient client = client()) {
            assertThat(client.listTools().tools()).noneMatch(t -> t.name().startsWith("delta__"));
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("delta__echo", Map.of("text", "x")));
            assertThat(result.isError()).isTrue();
            assertThat(text(result)).contains("upstream 'delta'").contains("unreachable");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("alpha__echo", Map.of("text", "ok")))))
                    .isEqualTo("ok");
        }
    }

    @Test
    void whenListingThenToolsOfEveryUpstreamAppearUnderTheirPrefix() {
        try (McpSyncClient client = client()) {
            List<String> names = client.listTools().tools().stream()
                    .map(McpSchema.Tool::name)
                    .toList();
            assertThat(names).contains("alpha__echo", "beta__echo", "gamma__echo", "alpha__image", "gamma__structured");
            assertThat(names).noneMatch(n -> !n.contains("__"));
        }
    }

    @Test
    void whenCallingThroughEachTransportThenTheOwningUpstreamAnswers() {
        try (McpSyncClient client = client()) {
            for (String id : List.of("alpha", "beta", "gamma")) {
                assertThat(text(client.callTool(new McpSchema.CallToolRequest(id + "__whoami", Map.of()))))
                        .isEqualTo(id);
            }
        }
    }

    @Test
    void whenCallingEachContentKindThenTheResultEqualsTheDirectResult() {
        try (McpSyncClient viaPortico = client();
                McpSyncClient direct = Clients.connect(Clients.streamable(alpha.baseUrl()))) {
            for (String tool : List.of("image", "audio", "embedded", "fail")) {
                McpSchema.CallToolResult proxied =
                        viaPortico.callTool(new McpSchema.CallToolRequest("alpha__" + tool, Map.of()));
                McpSchema.CallToolResult expected = direct.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
                assertThat(proxied).as(tool).isEqualTo(expected);
            }
            Map<String, Object> args = Map.of("a", 6, "b", 7);
            McpSchema.CallToolResult structured =
                    viaPortico.callTool(new McpSchema.CallToolRequest("alpha__structured", args));
            assertThat(structured).isEqualTo(direct.callTool(new McpSchema.CallToolRequest("structured", args)));
            assertThat(structured.structuredContent()).isEqualTo(Map.of("sum", 13, "product", 42));
            assertThat(viaPortico
                            .callTool(new McpSchema.CallToolRequest("alpha__fail", Map.of()))
                            .isError())
                    .isTrue();
        }
    }

    @Test
    void whenAToolReportsProgressThenTheClientReceivesIt() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        try (McpSyncClient client =
                Clients.connect(Clients.streamable(portico.baseUri()), spec -> spec.progressConsumer(progress::add))) {
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("alpha__progress")
                    .arguments(Map.of("steps", 3))
                    .progressToken("tok-1")
                    .build());
            assertThat(text(result)).isEqualTo("done 3");
            await().atMost(Duration.ofSeconds(5)).until(() -> progress.size() == 3);
            assertThat(progress).allMatch(p -> "tok-1".equals(p.progressToken()));
        }
    }

    @Test
    void whenTwoClientsCallASamplingToolThenEachSamplingRequestReachesItsOwnClient() throws Exception {
        try (McpSyncClient one = samplingClient("one");
                McpSyncClient two = samplingClient("two")) {
            for (String upstream : List.of("alpha", "beta", "gamma")) {
                CompletableFuture<String> a = CompletableFuture.supplyAsync(() -> text(
                        one.callTool(new McpSchema.CallToolRequest(upstream + "__sample", Map.of("prompt", "hi")))));
                CompletableFuture<String> b = CompletableFuture.supplyAsync(() -> text(
                        two.callTool(new McpSchema.CallToolRequest(upstream + "__sample", Map.of("prompt", "hi")))));
                assertThat(a.get()).as(upstream).isEqualTo("sampled: answer from one");
                assertThat(b.get()).as(upstream).isEqualTo("sampled: answer from two");
            }
        }
    }

    private McpSyncClient samplingClient(String name) {
        return samplingClient(Clients.streamable(portico.baseUri()), name);
    }

    private McpSyncClient samplingClient(io.modelcontextprotocol.spec.McpClientTransport transport, String name) {
        return Clients.connect(transport, spec -> spec.capabilities(
                        McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("answer from " + name))
                        .model("test-model")
                        .build()));
    }

    @Test
    void whenAnUpstreamElicitsThenTheClientAnswers() {
        try (McpSyncClient client = Clients.connect(Clients.streamable(portico.baseUri()), spec -> spec.capabilities(
                        McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request ->
                        new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("answer", "42"))))) {
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("alpha__elicit", Map.of("message", "?")))))
                    .isEqualTo("elicited: accept 42");
        }
    }

    @Test
    void whenTheClientHasRootsThenUpstreamsSeeThem() {
        try (McpSyncClient client = Clients.connect(
                Clients.streamable(portico.baseUri()),
                spec -> spec.roots(new McpSchema.Root("file:///work/project", "project")))) {
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("gamma__roots", Map.of()))))
                    .isEqualTo("file:///work/project");
        }
    }

    @Test
    void whenTwoClientsUseAStatefulToolThenTheirUpstreamSessionsAreSeparate() {
        try (McpSyncClient one = client();
                McpSyncClient two = client()) {
            McpSchema.CallToolRequest counter = new McpSchema.CallToolRequest("alpha__counter", Map.of());
            assertThat(text(one.callTool(counter))).isEqualTo("1");
            assertThat(text(one.callTool(counter))).isEqualTo("2");
            assertThat(text(two.callTool(counter))).isEqualTo("1");
        }
    }

    @Test
    void whenAnUpstreamAddsAToolThenTheClientIsToldAndSeesIt() {
        AtomicInteger changes = new AtomicInteger();
        try (McpSyncClient client = Clients.connect(
                Clients.streamable(portico.baseUri()),
                spec -> spec.toolsChangeConsumer(tools -> changes.incrementAndGet()))) {
            client.listTools();
            client.callTool(new McpSchema.CallToolRequest("beta__add_tool", Map.of("name", "extra")));
            await().atMost(Duration.ofSeconds(10)).until(() -> changes.get() > 0);
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("beta__extra");
        }
    }

    @Test
    void whenReadingResourcesAndPromptsThenTheyAreRoutedToTheirOwner() {
        try (McpSyncClient client = client()) {
            assertThat(client.listResources().resources())
                    .extracting(McpSchema.Resource::uri)
                    .contains("test://alpha/static", "test://beta/static", "test://gamma/static");
            McpSchema.ReadResourceResult read =
                    client.readResource(new McpSchema.ReadResourceRequest("test://beta/static"));
            assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                    .isEqualTo("static from beta");
            McpSchema.ReadResourceResult templated =
                    client.readResource(new McpSchema.ReadResourceRequest("test://gamma/items/7"));
            assertThat(((McpSchema.TextResourceContents) templated.contents().get(0)).text())
                    .isEqualTo("item 7 from gamma");
            McpSchema.GetPromptResult prompt =
                    client.getPrompt(new McpSchema.GetPromptRequest("alpha__greet", Map.of("name", "Ada")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                    .isEqualTo("Hello Ada from alpha");
            assertThat(client.listPrompts().prompts())
                    .extracting(McpSchema.Prompt::name)
                    .contains("beta__greet");
        }
    }

    @Test
    void whenCallingAnUnknownToolThenTheClientGetsInvalidParams() {
        try (McpSyncClient client = client()) {
            assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("nope__echo", Map.of())))
                    .isInstanceOf(McpError.class)
                    .satisfies(e -> assertThat(((McpError) e).getJsonRpcError().code())
                            .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
        }
    }

    @Test
    void whenAnUpstreamDiesThenOthersKeepServingAndItComesBackByItself() {
        AtomicInteger changes = new AtomicInteger();
        try (McpSyncClient client = Clients.connect(
                Clients.streamable(portico.baseUri()),
                spec -> spec.toolsChangeConsumer(tools -> changes.incrementAndGet()))) {
            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("alpha__echo");

            alpha.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> client.listTools().tools().stream()
                    .noneMatch(t -> t.name().startsWith("alpha__")));
            assertThat(changes.get()).isPositive();
            McpSchema.CallToolResult down =
                    client.callTool(new McpSchema.CallToolRequest("alpha__echo", Map.of("text", "x")));
            assertThat(down.isError()).isTrue();
            assertThat(text(down)).contains("alpha");
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("beta__echo", Map.of("text", "still")))))
                    .isEqualTo("still");

            alpha.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> client.listTools().tools().stream()
                    .anyMatch(t -> t.name().equals("alpha__echo")));
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("alpha__echo", Map.of("text", "back")))))
                    .isEqualTo("back");
        }
    }

    @Test
    void whenAStdioChildDiesThenItIsRestartedAndItsToolsReturn() {
        try (McpSyncClient client = client()) {
            assertThat(text(client.callTool(new McpSchema.CallToolRequest("gamma__whoami", Map.of()))))
                    .isEqualTo("gamma");
            List<ProcessHandle> children = gammaChildren();
            assertThat(children).isNotEmpty();
            children.forEach(ProcessHandle::destroyForcibly);

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> gammaChildren().stream().noneMatch(children::contains)
                            && !gammaChildren().isEmpty());
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                McpSchema.CallToolResult result =
                        client.callTool(new McpSchema.CallToolRequest("gamma__whoami", Map.of()));
                return !Boolean.TRUE.equals(result.isError()) && "gamma".equals(text(result));
            });
        }
    }

    /**
     * The stdio upstreams this JVM started: the only child processes of this test class (the command line of a child
     * with a long class path is not always readable, so it is not matched on).
     */
    private static List<ProcessHandle> gammaChildren() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).toList();
    }

    @Test
    void whenAnUpstreamLogsThenTheClientReceivesTheMessage() {
        List<McpSchema.LoggingMessageNotification> messages = new CopyOnWriteArrayList<>();
        try (McpSyncClient client =
                Clients.connect(Clients.streamable(portico.baseUri()), spec -> spec.loggingConsumer(messages::add))) {
            client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
            client.callTool(new McpSchema.CallToolRequest("alpha__log", Map.of("message", "hello log")));
            await().atMost(Duration.ofSeconds(5)).until(() -> messages.stream()
                    .anyMatch(m -> String.valueOf(m.data()).contains("hello log")));
        }
    }
}
