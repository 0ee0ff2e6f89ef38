package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentErrorsTest {

    @Test
    void whenAVariableWithoutDefaultIsUnsetThenProblemNamesTheVariable() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: ${UPSTREAM_URL}
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        4,
                        10,
                        "upstreams[0].url",
                        "environment variable UPSTREAM_URL is not set",
                        "set UPSTREAM_URL in Portico's environment, or give a default: ${UPSTREAM_URL:-value}"));
    }

    @Test
    void whenAnUnsetVariableFeedsANumberThenOnlyTheVariableIsReported() {
        ConfigProblem problem = onlyProblem("server:\n  port: ${PORT}\n");

        assertThat(problem.path()).isEqualTo("server.port");
        assertThat(problem.message()).isEqualTo("environment variable PORT is not set");
    }

    @Test
    void whenAnUnsetVariableIsInAListThenProblemNamesTheItem() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    args: [--root, "${ROOT}"]
                """);

        assertThat(problem.line()).isEqualTo(5);
        assertThat(problem.column()).isEqualTo(20);
        assertThat(problem.path()).isEqualTo("upstreams[0].args[1]");
        assertThat(problem.message()).isEqualTo("environment variable ROOT is not set");
    }

    @Test
    void whenAReferenceIsMalformedThenProblemShowsTheAcceptedForms() {
        ConfigProblem problem = onlyProblem("server:\n  host: ${HOST\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.path()).isEqualTo("server.host");
        assertThat(problem.message()).isEqualTo("unterminated \"${\" in \"${HOST\"");
        assertThat(problem.fix()).isEqualTo("close the reference with \"}\", or write \"$${\" for a literal \"${\"");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "storage:\n  type: postgres\n  password: [\"s3cret-value${X\"]\n",
                "server:\n  auth:\n    issuer: https://idp.example.com\n    clientId: portico\n"
                        + "    clientSecret: \"s3cret-value${X\"\n",
                "upstreams:\n  - name: a\n    transport: sse\n    url: https://a.example.com\n"
                        + "    headers: {X-Key: [\"s3cret-value${X\"]}\n"
            })
    void whenASecretIsMalformedThenNoProblemShowsIt(String yaml) {
        ConfigException error = Configs.failure(yaml);

        assertThat(error.getMessage()).doesNotContain("s3cret-value");
        assertThat(error.problems()).allSatisfy(problem -> assertThat(problem.message() + problem.fix())
                .doesNotContain("s3cret-value"));
    }
}
