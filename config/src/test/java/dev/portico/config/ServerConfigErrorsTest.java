package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerConfigErrorsTest {

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 70000})
    void whenPortIsOutOfRangeThenProblemNamesLineKeyAndFix(int port) {
        ConfigProblem problem = onlyProblem("server:\n  port: " + port + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        9,
                        "server.port",
                        "port " + port + " is out of range",
                        "use 1 to 65535, or 0 to pick a free port"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "portico.example.com        | is not an absolute URL",
                "/mcp                       | is not an absolute URL",
                "ftp://portico.example.com  | uses scheme \"ftp\", not http or https",
                "https://example.com/?a=b   | has a query or fragment",
                "https://example.com/#top   | has a query or fragment",
                "http://exa mple.com        | is not a valid URL (Illegal character in authority)",
                "https://user:pw@example.com | contains credentials"
            })
    void whenPublicUrlIsNotAnAbsoluteHttpUrlThenProblemSaysWhy(String url, String why) {
        ConfigProblem problem = onlyProblem("server:\n  publicUrl: \"" + url + "\"\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(14);
        assertThat(problem.path()).isEqualTo("server.publicUrl");
        assertThat(problem.message()).isEqualTo("publicUrl \"" + url + "\" " + why);
        assertThat(problem.fix())
                .isEqualTo("use the absolute http(s) URL clients reach Portico at, without query or fragment,"
                        + " e.g. https://portico.example.com");
    }

    @Test
    void whenHostIsEmptyThenProblemAsksForAnAddress() {
        ConfigProblem problem = onlyProblem("server:\n  host: \"\"\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        9,
                        "server.host",
                        "host is empty",
                        "use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"11m, 11m", "601s, 601s", "1h, 1h"})
    void whenShutdownGracePeriodIsLongerThanTenMinutesThenProblemNamesTheMaximum(String written, String shown) {
        ConfigProblem problem = onlyProblem("server:\n  shutdownGracePeriod: " + written + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        24,
                        "server.shutdownGracePeriod",
                        "shutdownGracePeriod " + shown + " is longer than the maximum of 10m",
                        "use at most 10m, e.g. 30s; calls still running then are cancelled"));
    }

    @Test
    void whenShutdownGracePeriodHasNoUnitThenProblemShowsTheAcceptedForm() {
        ConfigProblem problem = onlyProblem("server:\n  shutdownGracePeriod: 30\n");

        assertThat(problem.path()).isEqualTo("server.shutdownGracePeriod");
        assertThat(problem.fix()).isEqualTo(Durations.ACCEPTED_FORM);
    }
}
