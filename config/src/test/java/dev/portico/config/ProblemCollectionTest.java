package dev.portico.config;

import static dev.portico.config.Configs.failure;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A bad file reports all its problems at once, in file order. */
class ProblemCollectionTest {

    private static final String MANY_PROBLEMS =
            """
            upstreams:
              - name: Files
                transport: stdio
              - name: web
                transport: sse
                url: ftp://example.com
                timeout: soon
            server:
              prot: 8080
              port: 99999
            """;

    @Test
    void whenAFileHasSeveralProblemsThenAllAreReportedInFileOrder() {
        ConfigException failure = failure(MANY_PROBLEMS);

        assertThat(failure.problems())
                .extracting(ConfigProblem::line, ConfigProblem::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2, "upstreams[0].command"),
                        org.assertj.core.groups.Tuple.tuple(2, "upstreams[0].name"),
                        org.assertj.core.groups.Tuple.tuple(6, "upstreams[1].url"),
                        org.assertj.core.groups.Tuple.tuple(7, "upstreams[1].timeout"),
                        org.assertj.core.groups.Tuple.tuple(9, "server.prot"),
                        org.assertj.core.groups.Tuple.tuple(10, "server.port"));
    }

    @Test
    void whenAFileHasSeveralProblemsThenTheMessageHasOneLinePerProblem() {
        ConfigException failure = failure(MANY_PROBLEMS);

        assertThat(failure.getMessage().lines()).hasSize(6).allMatch(line -> line.startsWith("portico.yaml:"));
    }
}
