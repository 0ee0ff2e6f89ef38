package dev.portico.config;

import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

    private static final String EVERY_KEY =
            """
            server:
              host: 0.0.0.0
              port: ${PORT:-9090}
              publicUrl: https://portico.example.com/base/
              shutdownGracePeriod: 45s
            upstreams:
              - name: everything
                transport: streamable-http
                url: http://127.0.0.1:3001/mcp
                toolPrefix: ev
                headers: {X-Api-Key: "${KEY}", X-Literal: "$${NOT_A_VARIABLE}"}
                timeout: 500ms
                pingInterval: 0
                reconnect:
                  initialDelay: 2s
                  maxDelay: 10m
              - name: legacy
                transport: sse
                url: https://legacy.example.com/sse?tenant=a
              - name: files
                transport: stdio
                command: npx
                args: ["-y", "@modelcontextprotocol/server-filesystem", "${ROOT_DIR:-/tmp}"]
                env: {LOG_LEVEL: debug, TOKEN: "${TOKEN}"}
                toolPrefix: ""
                timeout: 1h
                pingInterval: 10m
            """;

    private static final Map<String, String> ENVIRONMENT = Map.of("KEY", "secret", "TOKEN", "t0k");

    @Test
    void whenEveryKeyIsSetThenTheServerHasTheConfiguredValues() {
        ServerConfig server = parse(EVERY_KEY, ENVIRONMENT).server();

        assertThat(server.host()).isEqualTo("0.0.0.0");
        assertThat(server.port()).isEqualTo(9090);
        assertThat(server.publicUrl()).contains(URI.create("https://portico.example.com/base"));
        assertThat(server.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void whenEveryKeyIsSetThenTheHttpUpstreamHasTheConfiguredValues() {
        UpstreamConfig everything = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(0);

        assertThat(everything)
                .isEqualTo(new UpstreamConfig(
                        "everything",
                        UpstreamTransport.STREAMABLE_HTTP,
                        Optional.of(URI.create("http://127.0.0.1:3001/mcp")),
                        "ev",
                        Map.of("X-Api-Key", "secret", "X-Literal", "${NOT_A_VARIABLE}"),
                        Duration.ofMillis(500),
                        Optional.empty(),
                        List.of(),
                        Map.of(),
                        new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofMinutes(10)),
                        Duration.ZERO));
    }

    @Test
    void whenAnUpstreamSetsOnlyRequiredKeysThenDefaultsApply() {
        UpstreamConfig legacy = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(1);

        assertThat(legacy)
                .isEqualTo(new UpstreamConfig(
                        "legacy",
                        UpstreamTransport.SSE,
                        Optional.of(URI.create("https://legacy.example.com/sse?tenant=a")),
                        "legacy",
                        Map.of(),
                        UpstreamConfig.DEFAULT_TIMEOUT,
                        Optional.empty(),
                        List.of(),
                        Map.of(),
                        ReconnectPolicy.DEFAULT,
                        UpstreamConfig.DEFAULT_PING_INTERVAL));
    }

    @Test
    void whenEveryKeyIsSetThenTheStdioUpstreamHasTheConfiguredValues() {
        UpstreamConfig files = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(2);

        assertThat(files)
                .isEqualTo(new UpstreamConfig(
                        "files",
                        UpstreamTransport.STDIO,
                        Optional.empty(),
                        "",
                        Map.of(),
                        Duration.ofHours(1),
                        Optional.of("npx"),
                        List.of("-y", "@modelcontextprotocol/server-filesystem", "/tmp"),
                        Map.of("LOG_LEVEL", "debug", "TOKEN", "t0k"),
                        ReconnectPolicy.DEFAULT,
                        Duration.ofMinutes(10)));
    }

    @Test
    void upstreamsKeepTheirFileOrderAndTheSourceIsTheGivenName() {
        PorticoConfig config = parse(EVERY_KEY, ENVIRONMENT);

        assertThat(config.upstreams())
                .extracting(UpstreamConfig::name)
                .containsExactly("everything", "legacy", "files");
        assertThat(config.source()).isEqualTo("portico.yaml");
    }

    @Test
    void whenAVariableIsSetThenItWinsOverTheDefault() {
        Map<String, String> environment = Map.of("KEY", "secret", "TOKEN", "t0k", "PORT", "7000", "ROOT_DIR", "/srv");

        PorticoConfig config = parse(EVERY_KEY, environment);

        assertThat(config.server().port()).isEqualTo(7000);
        assertThat(config.upstreams().get(2).args()).endsWith("/srv");
    }

    @Test
    void whenTheFileIsEmptyThenEveryDefaultApplies() {
        PorticoConfig config = parse("# nothing configured yet\n");

        assertThat(config.server())
                .isEqualTo(new ServerConfig(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT, Optional.empty()));
        assertThat(config.upstreams()).isEmpty();
    }

    @Test
    void whenServerIsAbsentThenItHasHost127001AndPort8080() {
        ServerConfig server = parse("upstreams: []\n").server();

        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isEqualTo(8080);
        assertThat(server.publicUrl()).isEmpty();
    }

    @Test
    void whenServerAndUpstreamsAreEmptyThenTheyMeanDefaultsAndNoUpstreams() {
        PorticoConfig config = parse("server:\nupstreams:\n");

        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.upstreams()).isEmpty();
    }

    @Test
    void whenShutdownGracePeriodIsAbsentThenItIsTwentySeconds() {
        assertThat(parse("server: {port: 1}\n").server().shutdownGracePeriod())
                .isEqualTo(ServerConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD)
                .isEqualTo(Duration.ofSeconds(20));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0, PT0S", "1s, PT1S", "10m, PT10M", "500ms, PT0.5S"})
    void whenShutdownGracePeriodIsSetThenItIsKept(String written, Duration expected) {
        assertThat(parse("server: {shutdownGracePeriod: " + written + "}\n")
                        .server()
                        .shutdownGracePeriod())
                .isEqualTo(expected);
    }

    @Test
    void whenPortIsZeroThenItIsKeptToPickAFreePort() {
        assertThat(parse("server: {port: 0}\n").server().port()).isZero();
    }

    @Test
    void whenPortIsQuotedThenItIsStillANumber() {
        assertThat(parse("server: {port: \"8443\"}\n").server().port()).isEqualTo(8443);
    }

    @Test
    void whenPublicUrlHasTrailingSlashesThenTheyAreStripped() {
        assertThat(parse("server: {publicUrl: \"http://localhost:8080//\"}\n")
                        .server()
                        .publicUrl())
                .contains(URI.create("http://localhost:8080"));
    }

    @Test
    void whenASubstitutedValueLooksLikeYamlThenItStaysOneString() {
        Map<String, String> environment = Map.of("INJECTED", "x\n  port: 1\n[a, b]: {c: d}");

        PorticoConfig config = parse(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    args: ["${INJECTED}"]
                """,
                environment);

        assertThat(config.upstreams().get(0).args()).containsExactly("x\n  port: 1\n[a, b]: {c: d}");
    }

    @Test
    void whenKeysContainReferencesThenTheyAreNotSubstituted() {
        PorticoConfig config = parse(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    env: {"${NAME}": value}
                """,
                Map.of("NAME", "replaced"));

        assertThat(config.upstreams().get(0).env()).containsOnlyKeys("${NAME}");
    }

    @Test
    void whenScalarsAreNumbersOrBooleansThenStringFieldsKeepTheirText() {
        PorticoConfig config = parse(
                """
                upstreams:
                  - name: 42
                    transport: stdio
                    command: run
                    args: [1.50, yes, 0x1F]
                    env: {DEBUG: true}
                """);

        UpstreamConfig upstream = config.upstreams().get(0);
        assertThat(upstream.name()).isEqualTo("42");
        assertThat(upstream.args()).containsExactly("1.50", "yes", "0x1F");
        assertThat(upstream.env()).containsEntry("DEBUG", "true");
    }

    @Test
    void whenTwoUpstreamsHaveEmptyToolPrefixesThenTheConfigIsValid() {
        PorticoConfig config = parse(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    toolPrefix: ""
                  - name: b
                    transport: stdio
                    command: run
                    toolPrefix: ""
                """);

        assertThat(config.upstreams()).extracting(UpstreamConfig::toolPrefix).containsExactly("", "");
    }

    @Test
    void whenOnlyOneReconnectDelayIsSetThenTheOtherKeepsItsDefault() {
        PorticoConfig config = parse(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect: {maxDelay: 5s}
                """);

        assertThat(config.upstreams().get(0).reconnect())
                .isEqualTo(new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    @Test
    void whenATrailingDocumentSeparatorIsPresentThenItIsIgnored() {
        assertThat(parse("server: {port: 1}\n---\n").server().port()).isEqualTo(1);
    }

    @Test
    void whenLoadingAFileThenTheSourceIsThePathAsGiven(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("portico.yaml");
        Files.writeString(file, "\uFEFFserver:\n  port: 9000\n");

        PorticoConfig config = ConfigLoader.withSystemEnvironment().load(file);

        assertThat(config.source()).isEqualTo(file.toString());
        assertThat(config.server().port()).isEqualTo(9000);
    }
}
