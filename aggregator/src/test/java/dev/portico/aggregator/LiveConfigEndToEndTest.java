package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.aggregator.health.HealthServlet;
import dev.portico.aggregator.reload.ConfigReloader;
import dev.portico.aggregator.reload.ReloadOutcome;
import dev.portico.config.ConfigLoader;
import dev.portico.config.LimitsConfig;
import dev.portico.testing.TestUpstream;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Portico started from a config file, as {@code portico serve} starts it ({@link ConfigReloader#follow}), while the
 * file changes under it: the sessions open at the time follow the change without losing their other connections,
 * the catalog grows and shrinks, a broken file changes nothing but the log, and {@code /readyz} names the generation.
 */
class LiveConfigEndToEndTest {

    /** Generous: the file watcher reacts within a second; a loaded CI machine may be slower. */
    private static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private Path file;
    private TestUpstream alpha;
    private TestUpstream beta;
    private Portico portico;
    private ConfigReloader reloader;
    private McpSyncClient client;
    private final AtomicInteger toolChanges = new AtomicInteger();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        alpha = TestUpstream.streamable("alpha");
        beta = TestUpstream.streamable("beta");
        file = directory.resolve("portico.yaml");
        replaceFile(config(upstream("alpha", alpha)));
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);

        ConfigLoader loader = ConfigLoader.withSystemEnvironment();
        portico = Portico.startHttp(loader.load(file));
        reloader = ConfigReloader.follow(file, loader, portico);
        client = Clients.connect(
                Clients.streamable(portico.baseUri()),
                spec -> spec.toolsChangeConsumer(tools -> toolChanges.incrementAndGet()));
        assertThat(toolNames()).contains("alpha__echo").noneMatch(name -> name.startsWith("beta__"));
        assertThat(alpha.initializations()).isEqualTo(1);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (client != null) {
            client.close();
        }
        if (reloader != null) {
            reloader.close();
        }
        if (portico != null) {
            portico.close();
        }
        alpha.close();
        beta.close();
    }

    @Test
    void addAnUpstreamThenBreakTheFileThenFixItByRemovingTheFirst() throws Exception {
        assertThat(generation()).isEqualTo(1);

        // (a) An upstream is added: the open session is told, gets its tools, and keeps its connection to alpha.
        replaceFile(config(upstream("alpha", alpha) + upstream("beta", beta)));

        await().atMost(LIMIT).until(() -> toolNames().contains("beta__echo"));
        await().atMost(LIMIT).until(() -> toolChanges.get() > 0);
        assertThat(toolNames()).contains("alpha__echo", "beta__echo");
        assertThat(callEcho("beta__echo", "hello")).isEqualTo("hello");
        assertThat(alpha.initializations()).as("alpha was not reconnected").isEqualTo(1);
        assertThat(beta.initializations()).isEqualTo(1);
        assertThat(generation()).isEqualTo(2);
        assertThat(portico.configGeneration().current()).isEqualTo(2);

        // (b) The file breaks: the problem is logged with file, line and key; sessions and catalog stay as they were.
        int changesBefore = toolChanges.get();
        replaceFile(config(upstream("alpha", alpha) + upstream("beta", beta).replace("timeout: 10s", "timeout: ten")));

        await().atMost(LIMIT).until(() -> portico.configGeneration().reloads(ReloadOutcome.REJECTED) == 1);
        assertThat(errorLines()).anySatisfy(line -> assertThat(line)
                .startsWith(file + ":")
                .contains("upstreams[1].timeout")
                .contains("ten"));
        assertThat(errorLines()).anySatisfy(line -> assertThat(line).contains("keeps running config generation 2"));
        assertThat(generation()).isEqualTo(2);
        assertThat(toolNames()).contains("alpha__echo", "beta__echo");
        assertThat(callEcho("alpha__echo", "still")).isEqualTo("still");
        assertThat(toolChanges.get()).isEqualTo(changesBefore);
        assertThat(alpha.initializations() + beta.initializations()).isEqualTo(2);

        // (c) Fixed, and alpha removed: its tools vanish, beta's connection stays, generation 3.
        replaceFile(config(upstream("beta", beta)));

        await().atMost(LIMIT).until(() -> generation() == 3);
        await().atMost(LIMIT).until(() -> toolChanges.get() > changesBefore);
        assertThat(toolNames()).contains("beta__echo").noneMatch(name -> name.startsWith("alpha__"));
        assertThatThrownBy(() -> client.callTool(new McpSchema.CallToolRequest("alpha__echo", Map.of("text", "x"))))
                .hasMessageContaining("Unknown tool: alpha__echo");
        assertThat(beta.initializations()).as("beta was not reconnected").isEqualTo(1);
        assertThat(infoLines()).anySatisfy(line -> assertThat(line)
                .contains("config generation 3 applied to 1 session(s): removed [alpha], unchanged [beta]"));
        assertThat(portico.configGeneration().reloads(ReloadOutcome.APPLIED)).isEqualTo(2);
        assertThat(portico.configGeneration().reloads(ReloadOutcome.REJECTED)).isEqualTo(1);
    }

    @Test
    void whenAnUpstreamsHeadersChangeThenOnlyItReconnectsWithThem() throws Exception {
        replaceFile(config(upstream("alpha", alpha) + upstream("beta", beta)));
        await().atMost(LIMIT).until(() -> toolNames().contains("beta__echo"));

        replaceFile(config(upstream("alpha", alpha) + upstream("beta", beta) + "    headers: {X-Tenant: blue}\n"));

        await().atMost(LIMIT).until(() -> beta.initializations() == 2);
        await().atMost(LIMIT).until(() -> toolNames().contains("beta__echo"));
        assertThat(callEcho("beta__echo", "again")).isEqualTo("again");
        assertThat(alpha.initializations()).isEqualTo(1);
        assertThat(generation()).isEqualTo(3);
    }

    @Test
    void whenAnUpstreamIsRemovedDuringACallThenTheCallStillFinishes() throws Exception {
        // Long enough for the reload to happen while the call runs: the test waits for both, in that order.
        int millis = 3_000;
        CompletableFuture<McpSchema.CallToolResult> inFlight = CompletableFuture.supplyAsync(
                () -> client.callTool(new McpSchema.CallToolRequest("alpha__slow", Map.of("millis", millis))));
        await().atMost(LIMIT).until(() -> alpha.catalog().hasSlowCallInFlight());

        replaceFile(config(upstream("beta", beta)));
        await().atMost(LIMIT).until(() -> generation() == 2);
        assertThat(inFlight).as("the reload came before the call's end").isNotDone();

        McpSchema.CallToolResult result = inFlight.get(LIMIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(result.isError()).as(Clients.text(result)).isNotEqualTo(Boolean.TRUE);
        assertThat(Clients.text(result)).isEqualTo("slept " + millis);
        assertThat(toolNames()).noneMatch(name -> name.startsWith("alpha__"));
    }

    @Test
    void aSessionOpenedAfterAReloadSeesTheNewUpstreams() throws Exception {
        replaceFile(config(upstream("beta", beta)));
        await().atMost(LIMIT).until(() -> generation() == 2);

        McpSyncClient later = Clients.connect(Clients.streamable(portico.baseUri()));
        try {
            assertThat(later.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("beta__echo")
                    .noneMatch(name -> name.startsWith("alpha__"));
        } finally {
            later.close();
        }
    }

    @Test
    void whenAskedToReloadAnUnchangedFileThenNothingMovesAndNoSessionIsTouched() {
        ReloadOutcome outcome = reloader.reloadNow("SIGHUP");

        assertThat(outcome).isEqualTo(ReloadOutcome.UNCHANGED);
        assertThat(portico.configGeneration().current()).isEqualTo(1);
        assertThat(alpha.initializations()).isEqualTo(1);
        assertThat(infoLines()).anySatisfy(line -> assertThat(line).contains("Reloading " + file + " (SIGHUP)"));
    }

    @Test
    void whenASettingThatNeedsARestartChangesThenItIsLoggedAndTheUpstreamChangeStillApplies() {
        writeFileInPlace(config(upstream("alpha", alpha) + upstream("beta", beta))
                .replace("port: 0", "port: 0\n  publicUrl: http://127.0.0.1:1"));

        ReloadOutcome outcome = reloader.reloadNow("SIGHUP");

        assertThat(outcome).isEqualTo(ReloadOutcome.APPLIED);
        assertThat(logs.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("changed server.publicUrl requires a restart"));
        assertThat(portico.runningConfig().server().publicUrl()).isEmpty();
        await().atMost(LIMIT).until(() -> toolNames().contains("beta__echo"));
    }

    /** {@code limits} and {@code metrics} are read once at start: a reload reports them and keeps them, in force. */
    @Test
    void whenLimitsOrMetricsChangeThenTheStartedValuesStayInForce() throws Exception {
        writeFileInPlace(config(upstream("alpha", alpha) + upstream("beta", beta))
                + "limits:\n  maxRequestBytes: 1024\nmetrics:\n  enabled: false\n");

        ReloadOutcome outcome = reloader.reloadNow("SIGHUP");

        assertThat(outcome).isEqualTo(ReloadOutcome.APPLIED);
        assertThat(logs.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(line -> assertThat(line).contains("changed limits.maxRequestBytes requires a restart"))
                .anySatisfy(line -> assertThat(line).contains("changed metrics.enabled requires a restart"));
        assertThat(portico.runningConfig().limits().maxRequestBytes())
                .isEqualTo(LimitsConfig.DEFAULT_MAX_REQUEST_BYTES);
        assertThat(portico.runningConfig().metrics().enabled()).isTrue();
        // In force, not only remembered: a call larger than the new limit still goes through, /metrics still answers.
        await().atMost(LIMIT).until(() -> toolNames().contains("beta__echo"));
        String large = "x".repeat(4096);
        assertThat(callEcho("alpha__echo", large)).isEqualTo(large);
        HttpResponse<String> metrics = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(portico.baseUri() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
    }

    private static String config(String upstreams) {
        return "server:\n  port: 0\nupstreams:\n" + upstreams;
    }

    private static String upstream(String name, TestUpstream upstream) {
        return """
                  - name: %s
                    transport: streamable-http
                    url: %s
                    timeout: 10s
                """
                .formatted(name, upstream.url());
    }

    /** Writes a new file and renames it over the old one, as editors and deployment tools do. */
    private void replaceFile(String yaml) throws IOException {
        Path next = Files.createTempFile(directory, "portico", ".tmp");
        Files.writeString(next, yaml);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeFileInPlace(String yaml) {
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> toolNames() {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private String callEcho(String tool, String text) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, Map.of("text", text)));
        assertThat(result.isError()).as(Clients.text(result)).isNotEqualTo(Boolean.TRUE);
        return Clients.text(result);
    }

    private List<String> errorLines() {
        return lines(Level.ERROR);
    }

    private List<String> infoLines() {
        return lines(Level.INFO);
    }

    private List<String> lines(Level level) {
        return List.copyOf(logs.list).stream()
                .filter(event -> event.getLevel() == level)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    /** The generation {@code /readyz} shows, checking that its header and body agree. */
    private long generation() throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(portico.baseUri() + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        String header =
                response.headers().firstValue(HealthServlet.GENERATION_HEADER).orElseThrow();
        assertThat(response.body()).contains("\"configGeneration\":" + header);
        return Long.parseLong(header);
    }
}
