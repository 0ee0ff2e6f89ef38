package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsConfigTest {

    @Test
    void whenTheSectionIsAbsentThenMetricsAreServed() {
        assertThat(parse("server:\n  port: 8080\n").metrics()).isEqualTo(new MetricsConfig(true));
    }

    @Test
    void whenEnabledIsFalseThenMetricsAreOff() {
        assertThat(parse("metrics:\n  enabled: false\n").metrics().enabled()).isFalse();
    }

    @Test
    void whenEnabledIsNotTrueOrFalseThenProblemAsksForOne() {
        assertThat(onlyProblem("metrics:\n  enabled: yes\n"))
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        12,
                        "metrics.enabled",
                        "expected true or false, got \"yes\"",
                        "write enabled: true or enabled: false"));
    }

    @Test
    void whenAnUnknownKeyIsGivenThenProblemSuggestsTheKnownOne() {
        ConfigProblem problem = onlyProblem("metrics:\n  enable: true\n");

        assertThat(problem.path()).isEqualTo("metrics.enable");
        assertThat(problem.fix()).contains("enabled");
    }

    @Test
    void whenTheSectionIsNotAMappingThenProblemShowsOne() {
        ConfigProblem problem = onlyProblem("metrics: true\n");

        assertThat(problem.path()).isEqualTo("metrics");
        assertThat(problem.fix()).isEqualTo("write it like: metrics: {enabled: true}");
    }
}
