package dev.portico.transport.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.ReconnectPolicy;
import dev.portico.config.UpstreamConfig;
import dev.portico.config.UpstreamTransport;
import dev.portico.transport.downstream.BufferedRequest;
import dev.portico.transport.downstream.WaitingRequestThreads;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;

/**
 * {@code tools/call} to a streamable-HTTP upstream goes out directly (not through the SDK client), both on a thread
 * that waits for the answer anyway (blocking exchange) and from anywhere else (asynchronous exchange), and behaves
 * as the SDK's path did: interim messages reach the SDK's session, refusals fall back to the SDK, cancellation and
 * timeouts are sent upstream. A real SDK server on loopback; a filter in front of it records every POST and can
 * refuse chosen ones.
 */
class DirectToolCallsTest {

    /** The two ways a call is sent. */
    enum Caller {
        /** From a thread serving a downstream request: the blocking exchange. */
        WAITING_THREAD,
        /** From anywhere else: the asynchronous exchange. */
        ANY_THREAD;

        <T> T await(Mono<T> call) throws Exception {
            return this == WAITING_THREAD ? WaitingRequestThreads.call(call::block) : call.block();
        }
    }

    private final Wire wire = new Wire();
    private final ConnectionStatistics connections = new ConnectionStatistics();
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private final UpstreamConnector connector = new UpstreamConnector(new McpSchema.Implementation("test", "1"));
    private Server jetty;
    private McpAsyncServer server;
    private URI url;
    private UpstreamConnection connection;

    @BeforeEach
    void startUpstream() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper())
                .mcpEndpoint("/mcp")
                .build();
        server = McpServer.async(transport)
                .serverInfo("upstream", "1")
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                .tools(tools())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.addBean(connections);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        ServletHolder holder = new ServletHolder("mcp", transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        FilterHolder filter = new FilterHolder(wire);
        filter.setAsyncSupported(true);
        context.addFilter(filter, "/mcp", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(context);
        jetty.start();
        url = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    @AfterEach
    void stop() throws Exception {
        if (connection != null) {
            connection.close();
        }
        server.close();
        jetty.stop();
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aCallIsSentDirectlyAndAnswered(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));

        McpSchema.CallToolResult result = caller.await(connection.callTool(echo("hello"), Mono.never()));

        assertThat(text(result)).isEqualTo("hello");
        assertThat(wire.calls()).singleElement().satisfies(body -> assertThat(body)
                .contains("\"id\":\"portico-"));
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void callsOneAfterAnotherReuseTheirConnection(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));
        caller.await(connection.callTool(echo("first"), Mono.never()));
        long before = connections.getConnectionsTotal();

        for (int i = 0; i < 50; i++) {
            assertThat(text(caller.await(connection.callTool(echo("call " + i), Mono.never()))))
                    .isEqualTo("call " + i);
        }

        // A new connection per call would leave one socket in TIME_WAIT per call under load.
        assertThat(connections.getConnectionsTotal() - before).isLessThanOrEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void progressSentDuringTheCallReachesTheSdkSession(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder()
                .name("progress")
                .arguments(Map.of())
                .meta(Map.of("progressToken", "token-1"))
                .build();

        McpSchema.CallToolResult result = caller.await(connection.callTool(request, Mono.never()));

        assertThat(text(result)).isEqualTo("done");
        assertThat(progress).singleElement().satisfies(note -> {
            assertThat(note.progressToken()).isEqualTo("token-1");
            assertThat(note.message()).isEqualTo("halfway");
        });
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aQuestionAskedDuringTheCallIsAnsweredThroughTheSdk(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));

        McpSchema.CallToolResult result =
                caller.await(connection.callTool(new McpSchema.CallToolRequest("ask", Map.of()), Mono.never()));

        assertThat(text(result)).isEqualTo("the user said yes");
        assertThat(wire.calls()).singleElement().satisfies(body -> assertThat(body)
                .contains("\"id\":\"portico-"));
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void anErrorAnswerIsTheUpstreamsError(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));

        assertThatThrownBy(() -> caller.await(
                        connection.callTool(new McpSchema.CallToolRequest("fail", Map.of()), Mono.never())))
                .isInstanceOf(McpError.class)
                .hasMessageContaining("tool said no");
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aSessionTheUpstreamForgotSendsTheCallThroughTheSdk(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));
        wire.refuseNext(body -> body.contains("\"id\":\"portico-"), 404, null);

        McpSchema.CallToolResult result = caller.await(connection.callTool(echo("again"), Mono.never()));

        assertThat(text(result)).isEqualTo("again");
        assertThat(wire.calls()).hasSize(2);
        assertThat(wire.calls().get(1)).doesNotContain("\"id\":\"portico-");
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aRefusedCredentialIsReportedAsTheSdkReportsIt(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));
        String challenge = "Bearer resource_metadata=\"https://as.example/.well-known/oauth-protected-resource\"";
        wire.refuseAll(body -> body.contains("\"method\":\"tools/call\""), 401, challenge);

        assertThatThrownBy(() -> caller.await(connection.callTool(echo("x"), Mono.never())))
                .satisfies(e -> {
                    UpstreamFailure failure = UpstreamFailure.of(connection.config(), e);
                    assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.UNAUTHORIZED);
                    assertThat(failure.status()).isEqualTo(401);
                    assertThat(failure.wwwAuthenticate()).contains(challenge);
                });
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aCancelledCallIsCancelledUpstream(Caller caller) throws Exception {
        connect(Duration.ofSeconds(10));

        McpSchema.CallToolResult result = caller.await(connection.callTool(
                new McpSchema.CallToolRequest("wait", Map.of()),
                Mono.delay(Duration.ofMillis(300)).thenReturn("the user gave up")));

        assertThat(result).isNull();
        String id = idOf(wire.calls().get(0));
        awaitPost(body ->
                body.contains("notifications/cancelled") && body.contains(id) && body.contains("the user gave up"));
    }

    @ParameterizedTest
    @EnumSource(Caller.class)
    void aCallPastItsTimeoutFailsAsATimeoutAndIsCancelledUpstream(Caller caller) throws Exception {
        connect(Duration.ofSeconds(1));

        assertThatThrownBy(() -> caller.await(
                        connection.callTool(new McpSchema.CallToolRequest("wait", Map.of()), Mono.never())))
                .satisfies(e -> assertThat(
                                UpstreamFailure.of(connection.config(), e).kind())
                        .isEqualTo(UpstreamFailure.Kind.TIMEOUT));
        String id = idOf(wire.calls().get(0));
        awaitPost(body -> body.contains("notifications/cancelled") && body.contains(id));
    }

    private void connect(Duration timeout) {
        UpstreamConfig config = new UpstreamConfig(
                "remote",
                UpstreamTransport.STREAMABLE_HTTP,
                Optional.of(url),
                "remote",
                Map.of(),
                timeout,
                Optional.empty(),
                List.of(),
                Map.of(),
                ReconnectPolicy.DEFAULT,
                Duration.ZERO);
        UpstreamClientSpec spec = UpstreamClientSpec.builder()
                .onProgress(note -> Mono.fromRunnable(() -> progress.add(note)))
                .formElicitation(question -> Mono.just(
                        new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("answer", "yes"))))
                .build();
        connection = connector.connect(config, spec).block(Duration.ofSeconds(10));
    }

    private void awaitPost(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (wire.posts.stream().noneMatch(wanted)) {
            assertThat(System.nanoTime())
                    .as("a POST the upstream should have seen")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static String idOf(String body) {
        int start = body.indexOf("\"id\":\"") + "\"id\":\"".length();
        return body.substring(start, body.indexOf('"', start));
    }

    private static McpSchema.CallToolRequest echo(String text) {
        return new McpSchema.CallToolRequest("echo", Map.of("text", text));
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static List<AsyncToolSpecification> tools() {
        Map<String, Object> schema = Map.of("type", "object");
        return List.of(
                tool(
                        "echo",
                        schema,
                        (exchange, request) -> Mono.just(
                                result(String.valueOf(request.arguments().get("text"))))),
                tool("progress", schema, (exchange, request) -> exchange.progressNotification(
                                new McpSchema.ProgressNotification(request.progressToken(), 1, 2.0, "halfway"))
                        .thenReturn(result("done"))),
                tool("ask", schema, (exchange, request) -> exchange.createElicitation(new McpSchema.ElicitFormRequest(
                                "Go on?",
                                Map.of("type", "object", "properties", Map.of("answer", Map.of("type", "string"))),
                                null))
                        .map(answer ->
                                result("the user said " + answer.content().get("answer")))),
                tool(
                        "fail",
                        schema,
                        (exchange, request) -> Mono.error(
                                McpError.builder(-32001).message("tool said no").build())),
                tool("wait", schema, (exchange, request) -> Mono.never()));
    }

    private static AsyncToolSpecification tool(
            String name,
            Map<String, Object> schema,
            java.util.function.BiFunction<
                            io.modelcontextprotocol.server.McpAsyncServerExchange,
                            McpSchema.CallToolRequest,
                            Mono<McpSchema.CallToolResult>>
                    handler) {
        return AsyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder(name, schema).build())
                .callHandler(handler)
                .build();
    }

    private static McpSchema.CallToolResult result(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).build();
    }

    /** Records each POST body; refuses the chosen ones with a status (and a challenge) before the SDK sees them. */
    private static final class Wire implements Filter {
        final List<String> posts = new CopyOnWriteArrayList<>();
        private volatile Predicate<String> refused = body -> false;
        private final AtomicInteger refusalsLeft = new AtomicInteger();
        private volatile int status;
        private volatile String challenge;

        void refuseNext(Predicate<String> which, int status, String challenge) {
            refuse(which, status, challenge, 1);
        }

        void refuseAll(Predicate<String> which, int status, String challenge) {
            refuse(which, status, challenge, Integer.MAX_VALUE);
        }

        private void refuse(Predicate<String> which, int status, String challenge, int times) {
            this.status = status;
            this.challenge = challenge;
            this.refusalsLeft.set(times);
            this.refused = which;
        }

        List<String> calls() {
            return posts.stream()
                    .filter(body -> body.contains("\"method\":\"tools/call\""))
                    .toList();
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            if (!"POST".equals(http.getMethod())) {
                chain.doFilter(request, response);
                return;
            }
            byte[] body = http.getInputStream().readAllBytes();
            String text = new String(body, StandardCharsets.UTF_8);
            posts.add(text);
            if (refused.test(text) && refusalsLeft.getAndDecrement() > 0) {
                HttpServletResponse answer = (HttpServletResponse) response;
                if (challenge != null) {
                    answer.setHeader("WWW-Authenticate", challenge);
                }
                answer.sendError(status);
                return;
            }
            chain.doFilter(new BufferedRequest(http, body), response);
        }
    }
}
