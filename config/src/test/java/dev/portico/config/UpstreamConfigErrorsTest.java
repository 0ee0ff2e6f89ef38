package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamConfigErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"streamable-http", "sse"})
    void whenAnHttpUpstreamHasNoUrlThenProblemPointsAtTheUpstream(String transport) {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: %s
                """
                        .formatted(transport));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        5,
                        "upstreams[0].url",
                        "missing url, which transport " + transport + " needs",
                        "add the upstream's endpoint, e.g. url: http://127.0.0.1:3001/mcp"));
    }

    @Test
    void whenAStdioUpstreamHasAUrlThenProblemPointsAtTheKey() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    url: http://127.0.0.1:3001/mcp
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        5,
                        "upstreams[0].url",
                        "`url` is not used with transport stdio",
                        "remove `url`, or set transport to streamable-http or sse"));
    }

    @Test
    void whenAStdioUpstreamHasNoCommandThenProblemPointsAtTheUpstream() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        5,
                        "upstreams[0].command",
                        "missing command, which transport stdio needs",
                        "add the program to start, e.g. command: npx"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"command", "args", "env"})
    void whenAnHttpUpstreamHasAStdioKeyThenProblemPointsAtTheKey(String key) {
        String value = key.equals("command") ? "run" : key.equals("args") ? "[a]" : "{A: b}";
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: http://127.0.0.1:3001/sse
                    %s: %s
                """
                        .formatted(key, value));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        5,
                        "upstreams[0]." + key,
                        "`" + key + "` is only used with transport stdio, not sse",
                        "remove `" + key + "`, or set transport: stdio"));
    }

    @Test
    void whenAStdioUpstreamHasHeadersThenProblemPointsAtTheKey() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    headers: {X-Api-Key: k}
                """);

        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(5);
        assertThat(problem.path()).isEqualTo("upstreams[0].headers");
        assertThat(problem.message()).isEqualTo("`headers` are only sent by the HTTP transports, not stdio");
        assertThat(problem.fix()).contains("`env`");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "localhost:3001/mcp        | is not an absolute URL",
                "mcp                       | is not an absolute URL",
                "ftp://example.com/mcp     | uses scheme \"ftp\", not http or https",
                "http://                   | is not a valid URL (Expected authority)",
                "http://user:pw@host/mcp   | contains credentials"
            })
    void whenUrlIsNotAnAbsoluteHttpUrlThenProblemSaysWhy(String url, String why) {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: streamable-http
                    url: "%s"
                """
                        .formatted(url));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        4,
                        10,
                        "upstreams[0].url",
                        "url \"" + url + "\" " + why,
                        "use an absolute http or https URL, e.g. http://127.0.0.1:3001/mcp"));
    }

    @Test
    void whenNameIsMissingThenProblemPointsAtTheUpstream() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - transport: stdio
                    command: run
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        5,
                        "upstreams[0].name",
                        "missing name",
                        "add a unique name made of a-z, 0-9 and -, e.g. name: files"));
    }

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(
            delimiter = '|',
            emptyValue = "",
            value = {
                "Bad_Name    | bad-name",
                "my upstream | my-upstream",
                "UPPER       | upper",
                "a.b         | a-b",
                "_           | my-upstream",
                "''          | my-upstream"
            })
    void whenNameIsInvalidThenProblemSuggestsAValidName(String name, String suggestion) {
        String written = name.equals("''") ? "" : name;
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: "%s"
                    transport: stdio
                    command: run
                """
                        .formatted(written));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        11,
                        "upstreams[0].name",
                        "invalid name \"" + written + "\"",
                        "use only lowercase letters, digits and -, e.g. \"" + suggestion + "\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "files-2", "0", "x-y-z", "github"})
    void whenNameIsLowercaseLettersDigitsAndDashesThenItIsAccepted(String name) {
        PorticoConfig config = parse(
                """
                upstreams:
                  - name: "%s"
                    transport: stdio
                    command: run
                """
                        .formatted(name));

        assertThat(config.upstreams().get(0).name()).isEqualTo(name);
        assertThat(config.upstreams().get(0).toolPrefix()).isEqualTo(name);
    }

    @Test
    void whenTwoUpstreamsHaveTheSameNameThenProblemNamesBothLines() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                  - name: a
                    transport: stdio
                    command: other
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        11,
                        "upstreams[1].name",
                        "duplicate upstream name \"a\" (lines 2 and 5)",
                        "give each upstream a unique name"));
    }

    @Test
    void whenTransportIsUnknownThenProblemListsTheAcceptedValues() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: http
                    url: http://127.0.0.1:3001/mcp
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        3,
                        16,
                        "upstreams[0].transport",
                        "unknown transport \"http\"",
                        "use one of: streamable-http, sse, stdio"));
    }

    @Test
    void whenTransportIsMissingThenProblemListsTheAcceptedValues() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    url: http://127.0.0.1:3001/mcp
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        5,
                        "upstreams[0].transport",
                        "missing transport",
                        "add transport: one of streamable-http, sse, stdio"));
    }

    @Test
    void whenTimeoutIsNotADurationThenProblemNamesLineKeyAndFix() {
        ConfigException failure = Configs.failure(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: a
                  - name: b
                    transport: stdio
                    timeout: ten
                    command: b
                """);

        assertThat(failure.problems())
                .containsExactly(new ConfigProblem(
                        FILE,
                        7,
                        14,
                        "upstreams[1].timeout",
                        "invalid duration \"ten\"",
                        "use a number with a unit: 500ms, 30s, 10m, 1h"));
        assertThat(failure.getMessage())
                .isEqualTo("portico.yaml:7:14: upstreams[1].timeout: invalid duration \"ten\""
                        + " — use a number with a unit: 500ms, 30s, 10m, 1h");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "timeout, 30, 5, 14",
        "pingInterval, 10 minutes, 5, 19",
        "pingInterval, -1s, 5, 19",
        "timeout, PT30S, 5, 14"
    })
    void whenADurationHasNoUnitOrTheWrongFormThenProblemShowsTheAcceptedForm(
            String key, String value, int line, int column) {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    %s: %s
                """
                        .formatted(key, value));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        line,
                        column,
                        "upstreams[0]." + key,
                        "invalid duration \"" + value + "\"",
                        Durations.ACCEPTED_FORM));
    }

    @Test
    void whenAReconnectDelayIsNotADurationThenProblemNamesTheNestedKey() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect:
                      maxDelay: 1 minute
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        17,
                        "upstreams[0].reconnect.maxDelay",
                        "invalid duration \"1 minute\"",
                        Durations.ACCEPTED_FORM));
    }

    @Test
    void whenTimeoutIsZeroThenProblemAsksForAPositiveDuration() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    timeout: 0s
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        14,
                        "upstreams[0].timeout",
                        "timeout must be longer than 0",
                        "use a positive duration, e.g. 30s"));
    }

    @Test
    void whenInitialDelayIsZeroThenProblemAsksForAPositiveDuration() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect: {initialDelay: 0}
                """);

        assertThat(problem.path()).isEqualTo("upstreams[0].reconnect.initialDelay");
        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(31);
        assertThat(problem.message()).isEqualTo("initialDelay must be longer than 0");
    }

    @Test
    void whenMaxDelayIsShorterThanInitialDelayThenProblemShowsBoth() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect:
                      initialDelay: 5s
                      maxDelay: 2s
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        7,
                        17,
                        "upstreams[0].reconnect.maxDelay",
                        "maxDelay (2s) is shorter than initialDelay (5s)",
                        "make maxDelay at least as long as initialDelay"));
    }

    /**
     * Found by ConfigLoaderFuzzTest: with maxDelay unusable, its default (60s) was shorter than initialDelay, and
     * ReconnectPolicy threw IllegalArgumentException instead of the loader reporting the one problem.
     */
    @Test
    void whenMaxDelayIsUnusableAndInitialDelayExceedsItsDefaultThenOnlyMaxDelayIsReported() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect: {initialDelay: 5m, maxDelay: soon}
                """);

        assertThat(problem.path()).isEqualTo("upstreams[0].reconnect.maxDelay");
    }

    @Test
    void whenInitialDelayExceedsTheDefaultMaxDelayThenProblemSaysItIsTheDefault() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect: {initialDelay: 2m}
                """);

        assertThat(problem.path()).isEqualTo("upstreams[0].reconnect.initialDelay");
        assertThat(problem.message()).isEqualTo("maxDelay (60s by default) is shorter than initialDelay (120s)");
    }

    @Test
    void whenAToolPrefixEqualsAnotherUpstreamsNameThenProblemSaysToolNamesWouldCollide() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                  - name: b
                    transport: stdio
                    command: run
                    toolPrefix: a
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        8,
                        17,
                        "upstreams[1].toolPrefix",
                        "tool names would collide: upstreams \"a\" (line 2) and \"b\" (line 8) both use the tool"
                                + " prefix \"a\"",
                        "set a different toolPrefix on one of them"));
    }

    @Test
    void whenANameEqualsAnEarlierToolPrefixThenProblemPointsAtTheName() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: b
                    transport: stdio
                    command: run
                    toolPrefix: a
                  - name: a
                    transport: stdio
                    command: run
                """);

        assertThat(problem.line()).isEqualTo(6);
        assertThat(problem.column()).isEqualTo(11);
        assertThat(problem.path()).isEqualTo("upstreams[1].name");
        assertThat(problem.message())
                .isEqualTo("tool names would collide: upstreams \"b\" (line 5) and \"a\" (line 6) both use the tool"
                        + " prefix \"a\"");
    }

    @Test
    void whenToolPrefixIsInvalidThenProblemSuggestsAValidOne() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    toolPrefix: My_Tools
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        17,
                        "upstreams[0].toolPrefix",
                        "invalid toolPrefix \"My_Tools\"",
                        "use only lowercase letters, digits and -, e.g. \"my-tools\", or \"\" for no prefix"));
    }

    @Test
    void whenAHeaderNameHasASpaceThenProblemPointsAtTheHeader() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: http://127.0.0.1:3001/sse
                    headers:
                      X Api Key: k
                """);

        assertThat(problem.line()).isEqualTo(6);
        assertThat(problem.column()).isEqualTo(7);
        assertThat(problem.path()).isEqualTo("upstreams[0].headers.X Api Key");
        assertThat(problem.message()).isEqualTo("invalid header name \"X Api Key\"");
    }

    @Test
    void whenAHeaderValueFromTheEnvironmentHasALineBreakThenProblemPointsAtTheHeader() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: http://127.0.0.1:3001/sse
                    headers:
                      Authorization: "Bearer ${TOKEN}"
                """,
                Map.of("TOKEN", "abc\n"));

        assertThat(problem.line()).isEqualTo(6);
        assertThat(problem.path()).isEqualTo("upstreams[0].headers.Authorization");
        assertThat(problem.message()).isEqualTo("the value of header Authorization contains a line break");
    }

    @Test
    void whenCommandIsEmptyThenProblemAsksForAProgram() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: ""
                """);

        assertThat(problem.path()).isEqualTo("upstreams[0].command");
        assertThat(problem.message()).isEqualTo("command is empty");
    }
}
