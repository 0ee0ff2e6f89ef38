package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigProblemTest {

    @Test
    void whenTheProblemHasALocationThenItRendersFileLineColumnPathMessageAndFix() {
        ConfigProblem problem =
                new ConfigProblem("portico.yaml", 7, 14, "upstreams[1].timeout", "invalid duration \"ten\"", "use 30s");

        assertThat(problem.render())
                .isEqualTo("portico.yaml:7:14: upstreams[1].timeout: invalid duration \"ten\" — use 30s");
    }

    @Test
    void whenTheProblemConcernsTheWholeFileThenLineAndPathAreLeftOut() {
        ConfigProblem problem = new ConfigProblem("/etc/portico.yaml", 0, 0, "", "file not found", "check the path");

        assertThat(problem.hasLocation()).isFalse();
        assertThat(problem.render()).isEqualTo("/etc/portico.yaml: file not found — check the path");
    }

    @Test
    void exceptionMessageRendersEveryProblemOnItsOwnLine() {
        ConfigException exception = new ConfigException(List.of(
                new ConfigProblem("a.yaml", 1, 1, "server", "first", "fix one"),
                new ConfigProblem("a.yaml", 2, 3, "upstreams", "second", "fix two")));

        assertThat(exception.getMessage())
                .isEqualTo("a.yaml:1:1: server: first — fix one\na.yaml:2:3: upstreams: second — fix two");
        assertThat(exception.problems()).hasSize(2);
    }
}
