package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.problemAt;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Problems with the shape of the file: keys, types, duplicates and YAML itself. */
class YamlStructureErrorsTest {

    @Test
    void whenAServerKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem =
                onlyProblem("""
                server:
                  prot: 8080
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(FILE, 2, 3, "server.prot", "unknown key `prot`", "did you mean `port`?"));
    }

    @Test
    void whenAnUpstreamKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = problemAt(
                """
                upstreams:
                  - name: a
                    transport: streamable-http
                    urll: http://127.0.0.1:3001/mcp
                """,
                "upstreams[0].urll");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE, 4, 5, "upstreams[0].urll", "unknown key `urll`", "did you mean `url`?"));
    }

    @Test
    void whenATopLevelKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem("upstream: []\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE, 1, 1, "upstream", "unknown key `upstream`", "did you mean `upstreams`?"));
    }

    @Test
    void whenAReconnectKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    reconnect:
                      initialDelays: 1s
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        7,
                        "upstreams[0].reconnect.initialDelays",
                        "unknown key `initialDelays`",
                        "did you mean `initialDelay`?"));
    }

    @Test
    void whenAnUnknownKeyIsNotCloseToAnyThenProblemListsTheAcceptedKeys() {
        ConfigProblem problem =
                onlyProblem("""
                server:
                  colour: red
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        3,
                        "server.colour",
                        "unknown key `colour`",
                        "accepted keys here: host, port, publicUrl, shutdownGracePeriod, auth"));
    }

    @Test
    void whenPortIsNotANumberThenProblemNamesLineKeyAndFix() {
        ConfigProblem problem =
                onlyProblem("""
                server:
                  port: abc
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        9,
                        "server.port",
                        "expected a whole number, got \"abc\"",
                        "write it like: port: 8080"));
    }

    @Test
    void whenArgsIsAScalarThenProblemAsksForAList() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    args: 5
                """);

        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(11);
        assertThat(problem.path()).isEqualTo("upstreams[0].args");
        assertThat(problem.message()).isEqualTo("expected a list of strings, got \"5\"");
        assertThat(problem.fix()).startsWith("write it like: args: [");
    }

    @Test
    void whenAnArgIsAListThenProblemNamesTheItem() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    args: [ok, [nested]]
                """);

        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(16);
        assertThat(problem.path()).isEqualTo("upstreams[0].args[1]");
        assertThat(problem.message()).isEqualTo("expected a string, got a list");
        assertThat(problem.fix()).isEqualTo("write a single value, quoted if it contains special characters");
    }

    @Test
    void whenHeadersIsAListThenProblemAsksForAMapping() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: http://127.0.0.1:3001/sse
                    headers: [a]
                """);

        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(14);
        assertThat(problem.path()).isEqualTo("upstreams[0].headers");
        assertThat(problem.message()).isEqualTo("expected a mapping of names to strings, got a list");
        assertThat(problem.fix()).isEqualTo("write it like: headers: {X-Api-Key: \"${API_KEY}\"}");
    }

    @Test
    void whenAnEnvValueIsEmptyThenProblemAsksForAnExplicitEmptyString() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    env:
                      LOG_LEVEL:
                """);

        assertThat(problem.path()).isEqualTo("upstreams[0].env.LOG_LEVEL");
        assertThat(problem.message()).isEqualTo("empty value");
        assertThat(problem.fix()).isEqualTo("write \"\" for an empty string, or remove it");
    }

    @Test
    void whenUpstreamsIsAMappingThenProblemAsksForAList() {
        ConfigProblem problem = onlyProblem("upstreams: {}\n");

        assertThat(problem.line()).isEqualTo(1);
        assertThat(problem.column()).isEqualTo(12);
        assertThat(problem.path()).isEqualTo("upstreams");
        assertThat(problem.message()).isEqualTo("expected a list of upstreams, got a mapping");
        assertThat(problem.fix()).contains("\"- name: ...\"");
    }

    @Test
    void whenAnUpstreamIsAScalarThenProblemAsksForAMapping() {
        ConfigProblem problem =
                onlyProblem("""
                upstreams:
                  - files
                """);

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(5);
        assertThat(problem.path()).isEqualTo("upstreams[0]");
        assertThat(problem.message()).startsWith("expected an upstream").endsWith("got \"files\"");
        assertThat(problem.fix()).contains("- name: files");
    }

    @Test
    void whenAnUpstreamEntryIsEmptyThenProblemPointsAtIt() {
        ConfigProblem problem = onlyProblem("""
                upstreams:
                  -
                """);

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.path()).isEqualTo("upstreams[0]");
        assertThat(problem.message()).isEqualTo("empty upstream entry");
    }

    @Test
    void whenServerIsAScalarThenProblemAsksForAMapping() {
        ConfigProblem problem = onlyProblem("server: 8080\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        1,
                        9,
                        "server",
                        "expected a mapping, got \"8080\"",
                        "write it like: server: {host: 127.0.0.1, port: 8080}"));
    }

    @Test
    void whenTheFileIsAListThenProblemAsksForTheTopLevelKeys() {
        ConfigProblem problem = onlyProblem("- server\n- upstreams\n");

        assertThat(problem.line()).isEqualTo(1);
        assertThat(problem.column()).isEqualTo(1);
        assertThat(problem.path()).isEmpty();
        assertThat(problem.message())
                .isEqualTo(
                        "expected a mapping with the keys server, oauth, security, storage, limits, metrics, upstreams,"
                                + " got a list");
    }

    @Test
    void whenAKeyAppearsTwiceInOneMappingThenProblemNamesBothLines() {
        ConfigProblem problem = onlyProblem(
                """
                server:
                  port: 8080
                  host: 0.0.0.0
                  port: 9090
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        4,
                        3,
                        "server.port",
                        "duplicate key `port` (lines 2 and 4)",
                        "remove one of them; YAML would silently keep only the last"));
    }

    @Test
    void whenAnUpstreamHasADuplicateKeyThenTheOtherProblemsAreStillReported() {
        var problems = Configs.problems(
                """
                upstreams:
                  - name: a
                    name: b
                    transport: stdio
                    timeout: ten
                    command: run
                """);

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly("upstreams[0].name", "upstreams[0].timeout");
    }

    @Test
    void whenTheYamlIsMalformedThenTheOnlyProblemIsTheSyntaxErrorWithItsLocation() {
        ConfigProblem problem = onlyProblem(
                """
                colour: red
                server:
                  host: 127.0.0.1
                   port: 8080
                """);

        assertThat(problem.file()).isEqualTo(FILE);
        assertThat(problem.line()).isEqualTo(4);
        assertThat(problem.column()).isEqualTo(8);
        assertThat(problem.path()).isEmpty();
        assertThat(problem.message()).isEqualTo("YAML syntax error: mapping values are not allowed here");
        assertThat(problem.fix()).isEqualTo("check the indentation of this line, and quote values that contain \": \"");
    }

    @Test
    void whenAQuoteIsNotClosedThenTheSyntaxErrorSaysWhereItStarted() {
        ConfigProblem problem =
                onlyProblem("""
                server:
                  host: "127.0.0.1
                """);

        assertThat(problem.message())
                .startsWith("YAML syntax error: found unexpected end of stream")
                .contains("that starts at line 2, column 9");
        assertThat(problem.fix()).isEqualTo("close the quote or bracket that is still open");
    }

    @Test
    void whenLinesAreIndentedWithTabsThenTheFixSaysToUseSpaces() {
        ConfigProblem problem = onlyProblem("server:\n\tport: 8080\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.fix()).isEqualTo("indent with spaces; YAML does not allow tabs for indentation");
    }

    @Test
    void whenAnAliasIsUsedThenProblemSaysAliasesAreNotSupported() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: &n a
                    transport: stdio
                    command: *n
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        4,
                        14,
                        "upstreams[0].command",
                        "YAML aliases (*n) are not supported",
                        "write the value out in full"));
    }

    @Test
    void whenTheFileHoldsTwoDocumentsThenProblemPointsAtTheSecond() {
        ConfigProblem problem = onlyProblem(
                """
                server: {port: 1}
                ---
                upstreams: []
                """);

        assertThat(problem.line()).isEqualTo(3);
        assertThat(problem.message()).isEqualTo("the file holds more than one YAML document");
        assertThat(problem.fix()).contains("remove the \"---\" separator");
    }
}
