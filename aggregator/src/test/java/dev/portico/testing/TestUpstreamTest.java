package dev.portico.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.testing.TestUpstream.Transport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema.AudioContent;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ClientCapabilities;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageResult;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import io.modelcontextprotocol.spec.McpSchema.EmbeddedResource;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.ImageContent;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.Root;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestUpstreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void httpUpstreamServesTheWholeCatalog(Transport transport) {
        try (TestUpstream upstream = new TestUpstream("alpha", transport).start()) {
            assertThat(upstream.port()).isPositive();
            assertThat(upstream.url().toString())
                    .isEqualTo("http://127.0.0.1:" + upstream.port() + (transport == Transport.SSE ? "/sse" : "/mcp"));
            assertCatalog(httpTransport(upstream), "alpha");
        }
    }

    @Test
    void stdioUpstreamServesTheWholeCatalog() {
        assertThat(StdioTestUpstream.command("gamma")).contains("-cp", StdioTestUpstream.class.getName(), "gamma");
        StdioClientTransport transport =
                new StdioClientTransport(StdioTestUpstream.serverParameters("gamma"), McpJsonDefaults.getMapper());
        assertCatalog(transport, "gamma");
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void restartsOnTheSamePortWithFreshState(Transport transport) {
        try (TestUpstream upstream = new TestUpstream("beta", transport).start()) {
            int port = upstream.port();
            try (McpSyncClient client = client(httpTransport(upstream), spec -> spec)) {
                client.initialize();
                assertThat(text(client.callTool(call("counter", Map.of())))).isEqualTo("1");
                assertThat(text(client.callTool(call("counter", Map.of())))).isEqualTo("2");
            }

            upstream.stop();
            assertThat(upstream.isRunning()).isFalse();
            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(upstream.url()).GET().build(),
                                    HttpResponse.BodyHandlers.discarding()))
                    .isInstanceOf(java.net.ConnectException.class);

            upstream.start();
            assertThat(upstream.port()).isEqualTo(port);
            try (McpSyncClient client = client(httpTransport(upstream), spec -> spec)) {
                client.initialize();
                assertThat(text(client.callTool(call("whoami", Map.of())))).isEqualTo("beta");
                assertThat(text(client.callTool(call("counter", Map.of())))).isEqualTo("1");
            }
        }
    }

    @Test
    void counterIsKeptPerUpstreamSession() {
        try (TestUpstream upstream = TestUpstream.streamable("delta");
                McpSyncClient first = client(httpTransport(upstream), spec -> spec);
                McpSyncClient second = client(httpTransport(upstream), spec -> spec)) {
            first.initialize();
            second.initialize();
            assertThat(text(first.callTool(call("counter", Map.of())))).isEqualTo("1");
            assertThat(text(first.callTool(call("counter", Map.of())))).isEqualTo("2");
            assertThat(text(second.callTool(call("counter", Map.of())))).isEqualTo("1");
        }
    }

    /** The SDK client cannot send notifications/cancelled, so this speaks raw streamable HTTP. */
    @Test
    void cancelledNotificationCancelsTheSlowCall() throws Exception {
        try (TestUpstream upstream = TestUpstream.streamable("epsilon")) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> init = http.send(
                    post(
                            upstream.url(),
                            null,
                            """
                            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",\
                            "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(init.statusCode()).isEqualTo(200);
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            http.send(
                    post(upstream.url(), session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                    HttpResponse.BodyHandlers.discarding());

            CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                    post(
                            upstream.url(),
                            session,
                            """
                            {"jsonrpc":"2.0","id":2,"method":"tools/call",\
                            "params":{"name":"slow","arguments":{"millis":30000}}}"""),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(300);
            assertThat(upstream.sawCancellation()).isFalse();

            http.send(
                    post(
                            upstream.url(),
                            session,
                            """
                            {"jsonrpc":"2.0","method":"notifications/cancelled",\
                            "params":{"requestId":2,"reason":"test"}}"""),
                    HttpResponse.BodyHandlers.discarding());
            await(upstream::sawCancellation);
            HttpResponse<String> slowResponse = slow.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(slowResponse.body()).doesNotContain("slept");
        }
    }

    // ------------------------------------------------------------------ catalog

    private static void assertCatalog(McpClientTransport transport, String id) {
        List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        List<List<Tool>> toolListChanges = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = client(transport, spec -> spec.capabilities(ClientCapabilities.builder()
                        .sampling()
                        .elicitation()
                        .roots(true)
                        .build())
                .sampling(req -> CreateMessageResult.builder(
                                Role.ASSISTANT,
                                "reply to "
                                        + ((TextContent) req.messages().get(0).content()).text(),
                                "test-model")
                        .stopReason(CreateMessageResult.StopReason.END_TURN)
                        .build())
                .elicitation(req -> new ElicitResult(ElicitResult.Action.ACCEPT, Map.of("answer", "yes")))
                .roots(new Root("file:///tmp/one", "one"), new Root("file:///tmp/two", "two"))
                .progressConsumer(progress::add)
                .loggingConsumer(logs::add)
                .toolsChangeConsumer(toolListChanges::add))) {
            client.initialize();

            List<Tool> tools = client.listTools().tools();
            assertThat(tools).extracting(Tool::name).containsExactlyInAnyOrderElementsOf(TestCatalog.TOOL_NAMES);
            assertThat(tools).allSatisfy(t -> assertThat(t.inputSchema()).containsEntry("type", "object"));

            assertThat(text(client.callTool(call("echo", Map.of("text", "hi there")))))
                    .isEqualTo("hi there");
            assertThat(text(client.callTool(call("whoami", Map.of())))).isEqualTo(id);
            assertThat(text(client.callTool(call("sample", Map.of("prompt", "ping")))))
                    .isEqualTo("sampled: reply to ping");
            assertThat(text(client.callTool(call("elicit", Map.of("message", "ok?")))))
                    .isEqualTo("elicited: accept yes");
            assertThat(text(client.callTool(call("roots", Map.of()))))
                    .isIn("file:///tmp/one,file:///tmp/two", "file:///tmp/two,file:///tmp/one");

            CallToolResult structured = client.callTool(call("structured", Map.of("a", 3, "b", 4)));
            assertThat(structured.structuredContent()).isEqualTo(Map.of("sum", 7, "product", 12));

            CallToolResult failed = client.callTool(call("fail", Map.of()));
            assertThat(failed.isError()).isTrue();
            assertThat(text(failed)).isEqualTo("deliberate failure from " + id);

            assertThat(client.callTool(call("image", Map.of())).content().get(0))
                    .isInstanceOfSatisfying(
                            ImageContent.class, c -> assertThat(c.mimeType()).isEqualTo("image/png"));
            assertThat(client.callTool(call("audio", Map.of())).content().get(0))
                    .isInstanceOfSatisfying(
                            AudioContent.class, c -> assertThat(c.mimeType()).isEqualTo("audio/wav"));
            assertThat(client.callTool(call("embedded", Map.of())).content().get(0))
                    .isInstanceOfSatisfying(
                            EmbeddedResource.class,
                            c -> assertThat(c.resource().uri()).isEqualTo("test://" + id + "/embedded"));

            CallToolResult progressed = client.callTool(CallToolRequest.builder("progress")
                    .arguments(Map.of("steps", 3))
                    .progressToken("tok-1")
                    .build());
            assertThat(text(progressed)).isEqualTo("done 3");
            await(() -> progress.size() == 3);
            assertThat(progress)
                    .extracting(ProgressNotification::progress)
                    .containsExactlyInAnyOrder(1.0, 2.0, 3.0); // the SDK client may reorder
            assertThat(progress).extracting(ProgressNotification::progressToken).containsOnly("tok-1");

            assertThat(text(client.callTool(call("log", Map.of("message", "hello log")))))
                    .isEqualTo("logged");
            await(() -> !logs.isEmpty());
            assertThat(logs.get(0).logger()).isEqualTo(id);
            assertThat(logs.get(0).data()).isEqualTo("hello log");

            assertThat(text(client.callTool(call("slow", Map.of("millis", 10)))))
                    .isEqualTo("slept 10");

            assertThat(resourceText(client, "test://" + id + "/static")).isEqualTo("static from " + id);
            assertThat(resourceText(client, "test://" + id + "/items/42")).isEqualTo("item 42 from " + id);
            assertThat(client.listResourceTemplates().resourceTemplates())
                    .singleElement()
                    .satisfies(t -> assertThat(t.uriTemplate()).isEqualTo("test://" + id + "/items/{item}"));

            assertThat(((TextContent) client.getPrompt(GetPromptRequest.builder("greet")
                                            .arguments(Map.of("name", "Zoe"))
                                            .build())
                                    .messages()
                                    .get(0)
                                    .content())
                            .text())
                    .isEqualTo("Hello Zoe from " + id);
            assertThat(client.completeCompletion(CompleteRequest.builder(
                                            new PromptReference("greet"),
                                            new CompleteRequest.CompleteArgument("name", ""))
                                    .build())
                            .completion()
                            .values())
                    .containsExactly("alice", "bob");

            assertThat(text(client.callTool(call("add_tool", Map.of("name", "extra")))))
                    .isEqualTo("added");
            assertThat(client.listTools().tools()).extracting(Tool::name).contains("extra");
            assertThat(text(client.callTool(call("extra", Map.of())))).isEqualTo("extra from " + id);
            await(() -> toolListChanges.stream()
                    .anyMatch(l -> l.stream().anyMatch(t -> t.name().equals("extra"))));
        }
    }

    // ------------------------------------------------------------------ helpers

    @SuppressWarnings("deprecation") // the HTTP+SSE transport is deprecated in SDK 2.1, but upstreams still speak it
    private static McpClientTransport httpTransport(TestUpstream upstream) {
        String base = upstream.baseUrl().toString();
        return upstream.transport() == Transport.STREAMABLE_HTTP
                ? HttpClientStreamableHttpTransport.builder(base)
                        .endpoint(TestUpstream.MCP_ENDPOINT)
                        .build()
                : HttpClientSseClientTransport.builder(base)
                        .sseEndpoint(TestUpstream.SSE_ENDPOINT)
                        .build();
    }

    private static McpSyncClient client(
            McpClientTransport transport, Function<McpClient.SyncSpec, McpClient.SyncSpec> customizer) {
        return customizer
                .apply(McpClient.sync(transport).requestTimeout(TIMEOUT).initializationTimeout(TIMEOUT))
                .build();
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }

    private static String text(CallToolResult result) {
        assertThat(result.content()).isNotEmpty();
        return ((TextContent) result.content().get(0)).text();
    }

    private static String resourceText(McpSyncClient client, String uri) {
        return ((TextResourceContents)
                        client.readResource(ReadResourceRequest.builder(uri).build())
                                .contents()
                                .get(0))
                .text();
    }

    private static HttpRequest post(URI url, String session, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(TIMEOUT.multipliedBy(4))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return request.build();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + TIMEOUT);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
