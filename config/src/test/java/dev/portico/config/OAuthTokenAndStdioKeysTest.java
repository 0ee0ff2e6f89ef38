package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code oauth.refreshMargin}, {@code oauth.stepUpLimit}, {@code oauth.openBrowser} and {@code oauth.loopbackPort}. */
class OAuthTokenAndStdioKeysTest {

    @Test
    void whenTheKeysAreLeftOutThenTheyHaveTheirDefaults() {
        OAuthConfig oauth = parse("oauth:\n  clientName: Acme\n").oauth();

        assertThat(oauth.refreshMargin()).isEqualTo(Duration.ofSeconds(60));
        assertThat(oauth.stepUpLimit()).isEqualTo(2);
        assertThat(oauth.openBrowser()).isFalse();
        assertThat(oauth.loopbackPort()).isZero();
    }

    @Test
    void whenTheKeysAreSetThenTheConfigHasTheirValues() {
        OAuthConfig oauth = parse(
                        """
                        oauth:
                          refreshMargin: 2m
                          stepUpLimit: 0
                          openBrowser: true
                          loopbackPort: 8765
                        """)
                .oauth();

        assertThat(oauth.refreshMargin()).isEqualTo(Duration.ofMinutes(2));
        assertThat(oauth.stepUpLimit()).isZero();
        assertThat(oauth.openBrowser()).isTrue();
        assertThat(oauth.loopbackPort()).isEqualTo(8765);
    }

    @Test
    void whenRefreshMarginIsZeroThenTokensAreRefreshedOnlyOnceExpired() {
        assertThat(parse("oauth:\n  refreshMargin: 0s\n").oauth().refreshMargin())
                .isZero();
    }

    @Test
    void whenRefreshMarginIsLongerThanAnHourThenProblemNamesTheMaximum() {
        ConfigProblem problem = onlyProblem("oauth:\n  refreshMargin: 2h\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        18,
                        "oauth.refreshMargin",
                        "refreshMargin 2h is longer than the maximum of 1h",
                        "use at most 1h, e.g. 60s; 0 refreshes a token only once it has expired"));
    }

    @Test
    void whenRefreshMarginIsNoDurationThenProblemShowsTheAcceptedForm() {
        ConfigProblem problem = onlyProblem("oauth:\n  refreshMargin: soon\n");

        assertThat(problem.path()).isEqualTo("oauth.refreshMargin");
        assertThat(problem.fix()).isEqualTo(Durations.ACCEPTED_FORM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "11"})
    void whenStepUpLimitIsOutOfRangeThenProblemGivesTheRange(String limit) {
        ConfigProblem problem = onlyProblem("oauth:\n  stepUpLimit: " + limit + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        16,
                        "oauth.stepUpLimit",
                        "stepUpLimit " + limit + " is out of range",
                        "use 0 to 10, e.g. stepUpLimit: 2; 0 never asks the user for more scopes"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "stepUpLimit: two    | oauth.stepUpLimit  | expected a whole number, got \"two\"",
                "loopbackPort: http  | oauth.loopbackPort | expected a whole number, got \"http\"",
                "openBrowser: yes    | oauth.openBrowser  | expected true or false, got \"yes\""
            })
    void whenAValueHasTheWrongTypeThenProblemSaysWhatIsExpected(String line, String path, String message) {
        ConfigProblem problem = onlyProblem("oauth:\n  " + line + "\n");

        assertThat(problem.path()).isEqualTo(path);
        assertThat(problem.message()).isEqualTo(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "65536"})
    void whenLoopbackPortIsOutOfRangeThenProblemGivesTheRange(String port) {
        ConfigProblem problem = onlyProblem("oauth:\n  loopbackPort: " + port + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        17,
                        "oauth.loopbackPort",
                        "loopbackPort " + port + " is out of range",
                        "use 1 to 65535, or 0 to pick a free port"));
    }
}
