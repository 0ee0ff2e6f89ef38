package dev.portico.aggregator;

import static dev.portico.aggregator.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import dev.portico.testing.MisbehavingUpstream;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Upstreams that die, hang, answer nonsense, drop their event stream, fail every request or flap, with a healthy
 * upstream beside them and two client sessions: the caller gets a tool error naming the upstream, everything else
 * keeps working, Portico's threads and heap stay bounded, and the upstream comes back by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailingUpstreamsTest {

    private TestUpstream healthy;
    private TestUpstream flaky;
    private TestUpstream sluggish;
    private TestUpstream legacy;
    private MisbehavingUpstream odd;
    private MisbehavingUpstream failing;
    private Portico portico;

    private McpSyncClient one;
    private McpSyncClient two;
    private final AtomicInteger toolChangesOfOne = new AtomicInteger();

    @BeforeAll
    void start() throws Exception {
        healthy = TestUpstream.streamable("healthy");
        flaky = TestUpstream.streamable("flaky");
        sluggish = TestUpstream.streamable("sluggish");
        legacy = TestUpstream.sse("legacy");
        odd = MisbehavingUpstream.start(MisbehavingUpstream.Mode.GARBAGE_ON_CALL);
        failing = MisbehavingUpstream.start(MisbehavingUpstream.Mode.ALWAYS_500);
        // Small timeouts and delays keep the test fast; pings notice a dead upstream without a call.
        String yaml =
                """
                server:
                  port: 0
                upstreams:
                  - name: healthy
                    transport: streamable-http
                    url: %s
                    timeout: 10s
                  - name: flaky
                    transport: streamable-http
                    url: %s
                    timeout: 10s
                    pingInterval: 300ms
                    reconnect: {initialDelay: 100ms, maxDelay: 300ms}
                  - name: sluggish
                    transport: streamable-http
                    url: %s
                    timeout: 1s
                  - name: legacy
                    transport: sse
                    url: %s
                    timeout: 5s
                    pingInterval: 300ms
                    reconnect: {initialDelay: 100ms, maxDelay: 300ms}
                  - name: odd
                    transport: streamable-http
                    url: %s
                    timeout: 2s
                    reconnect: {initialDelay: 100ms, maxDelay: 300ms}
                  - name: failing
                    transport: streamable-http
                    url: %s
                    timeout: 2s
                    reconnect: {initialDelay: 100ms, maxDelay: 200ms}
                """
                        .formatted(healthy.url(), flaky.url(), sluggish.url(), legacy.url(), odd.url(), failing.url());
        PorticoConfig config = new ConfigLoader(name -> null).parse(yaml, "test");
        portico = Portico.startHttp(config);
    }

    @AfterAll
    void stop() throws Exception {
        portico.close();
        healthy.close();
        flaky.close();
        sluggish.close();
        legacy.close();
        odd.close();
        failing.close();
    }

    @BeforeEach
    void connectClients() {
        toolChangesOfOne.set(0);
        one = Clients.connect(
                Clients.streamable(portico.baseUri()),
                spec -> spec.toolsChangeConsumer(tools -> toolChangesOfOne.incrementAndGet()));
        two = Clients.connect(Clients.streamable(portico.baseUri()));
        // An upstream restarted by the previous test may still be coming up (slow on a loaded machine): the session
        // reconnects to it by itself.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(toolNames(one))
                .contains("healthy__echo", "flaky__echo", "legacy__echo"));
    }

    @AfterEach
    void closeClients() {
        one.close();
        two.close();
        // Leave every upstream serving for the next test, whatever this one left behind.
        // (A fresh legacy server: the SSE test may have closed its SDK server, which then refuses new sessions.)
        flaky.start();
        legacy.stop();
        legacy.start();
    }

    @Test
    void whenAnUpstreamIsKilledMidCallThenTheCallerGetsAToolErrorAndItComesBackByItself() {
        CompletableFuture<McpSchema.CallToolResult> inFlight =
                CompletableFuture.supplyAsync(() -> one.callTool(call("flaky__slow", Map.of("millis", 60_000))));
        await().atMost(Duration.ofSeconds(5)).until(() -> flaky.catalog().hasSlowCallInFlight());

        flaky.stop();

        McpSchema.CallToolResult result =
                inFlight.orTimeout(8, TimeUnit.SECONDS).join();
        assertThat(result.isError()).isTrue();
        assertThat(text(result))
                .contains("upstream 'flaky'")
                .contains("unreachable")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertOthersWork();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> toolNames(one).stream().noneMatch(n -> n.startsWith("flaky__")));

        int changesWhileDown = toolChangesOfOne.get();
        flaky.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> toolNames(one).contains("flaky__echo"));
        assertThat(toolChangesOfOne.get()).isGreaterThan(changesWhileDown);
        assertThat(text(one.callTool(call("flaky__echo", Map.of("text", "back")))))
                .isEqualTo("back");
    }

    @Test
    void whenAnUpstreamHangsThenTheCallTimesOutWithAClearErrorAndTheSessionStaysUsable() {
        sluggish.resetCancellation();

        McpSchema.CallToolResult result = one.callTool(call("sluggish__slow", Map.of("millis", 60_000)));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("upstream 'sluggish' did not answer within 1s");
        assertThat(text(one.callTool(call("sluggish__echo", Map.of("text", "next")))))
                .isEqualTo("next");
        assertThat(text(one.callTool(call("healthy__echo", Map.of("text", "fine")))))
                .isEqualTo("fine");
        await().atMost(Duration.ofSeconds(5)).until(sluggish::sawCancellation);
    }

    @Test
    void whenAnUpstreamAnswersGarbageThenTheCallerGetsAClearErrorAndNothingElseNotices() {
        for (MisbehavingUpstream.Mode mode :
                List.of(MisbehavingUpstream.Mode.GARBAGE_ON_CALL, MisbehavingUpstream.Mode.NOT_JSON_RPC_ON_CALL)) {
            odd.mode(mode);
            // A malformed answer makes Portico reopen the connection (it may be out of step); wait until it is back.
            await().atMost(Duration.ofSeconds(5)).until(() -> toolNames(one).contains("odd__echo"));

            McpSchema.CallToolResult result = one.callTool(call("odd__echo", Map.of()));

            assertThat(result.isError()).as(mode.name()).isTrue();
            assertThat(text(result))
                    .as(mode.name())
                    .isEqualTo("upstream 'odd' sent a response that is not valid JSON-RPC");
            assertOthersWork();
        }
    }

    @Test
    void whenAnSseUpstreamClosesItsEventStreamThenItsToolsAreWithdrawnAndReturn() {
        // Closing the SDK server ends every event stream cleanly while the HTTP server stays up.
        legacy.server().closeGracefully().block(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> toolNames(one).stream().noneMatch(n -> n.startsWith("legacy__")));
        McpSchema.CallToolResult down = one.callTool(call("legacy__echo", Map.of("text", "x")));
        assertThat(down.isError()).isTrue();
        assertThat(text(down)).startsWith("upstream 'legacy'");
        assertOthersWork();

        legacy.stop();
        legacy.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> toolNames(one).contains("legacy__echo"));
        assertThat(text(one.callTool(call("legacy__echo", Map.of("text", "back")))))
                .isEqualTo("back");
    }

    @Test
    void whenAnUpstreamAnswers500ToEverythingThenItsErrorIsClearAndRetriesAreBounded() throws Exception {
        McpSchema.CallToolResult result = one.callTool(call("failing__echo", Map.of()));
        assertThat(result.isError()).isTrue();
        assertThat(text(result)).isEqualTo("upstream 'failing' answered HTTP 500");
        // The reason shows while DOWN; with retries every 100ms a look may fall on a retry ("connecting") instead.
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(text(one.callTool(call("portico__auth_status", Map.of()))))
                        .contains("{\"server\":\"failing\",\"state\":\"error\","
                                + "\"reason\":\"upstream 'failing' answered HTTP 500\"}"));
        assertOthersWork();

        // Two sessions retry, each at most once per initialDelay (100ms) and at least once per maxDelay (200ms).
        int before = failing.initializeAttempts();
        Thread.sleep(2_000);
        int attempts = failing.initializeAttempts() - before;
        assertThat(attempts).isBetween(2, 2 * (2_000 / 100 + 2));
    }

    @Test
    void whenAnUpstreamFlapsThenItsToolsReturnEachTimeAndThreadsAndHeapStayBounded() {
        // Warm up: one full cycle, so that lazily created pools count in the baseline.
        cycle();
        int threadsBefore = liveThreads();
        long heapBefore = usedHeapAfterGc();

        for (int i = 0; i < 5; i++) {
            cycle();
        }

        assertOthersWork();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(liveThreads()).isLessThanOrEqualTo(threadsBefore + 20));
        assertThat(usedHeapAfterGc()).isLessThan(heapBefore + 64L * 1024 * 1024);
    }

    /** One flap: down until the session has withdrawn its tools, then up until they are back and callable. */
    private void cycle() {
        flaky.stop();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> toolNames(one).stream().noneMatch(n -> n.startsWith("flaky__")));
        flaky.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> toolNames(one).contains("flaky__echo"));
        assertThat(text(one.callTool(call("flaky__echo", Map.of("text", "up")))))
                .isEqualTo("up");
    }

    /** The healthy upstream answers both sessions. */
    private void assertOthersWork() {
        for (McpSyncClient client : List.of(one, two)) {
            assertThat(text(client.callTool(call("healthy__echo", Map.of("text", "still")))))
                    .isEqualTo("still");
        }
    }

    private static McpSchema.CallToolRequest call(String tool, Map<String, Object> args) {
        return new McpSchema.CallToolRequest(tool, args);
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static int liveThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
