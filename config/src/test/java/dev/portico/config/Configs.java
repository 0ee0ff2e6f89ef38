package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;

/** Shared helpers: parse YAML text as "portico.yaml" with a fixed, injected environment. */
final class Configs {

    static final String FILE = "portico.yaml";

    private Configs() {}

    static PorticoConfig parse(String yaml) {
        return parse(yaml, Map.of());
    }

    static PorticoConfig parse(String yaml, Map<String, String> environment) {
        return new ConfigLoader(environment::get).parse(yaml, FILE);
    }

    static ConfigException failure(String yaml) {
        return failure(yaml, Map.of());
    }

    static ConfigException failure(String yaml, Map<String, String> environment) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> parse(yaml, environment));
        assertThat(failure).as("expected the config to be rejected").isNotNull();
        return failure;
    }

    static List<ConfigProblem> problems(String yaml) {
        return failure(yaml).problems();
    }

    /** The only problem of a config that must have exactly one. */
    static ConfigProblem onlyProblem(String yaml) {
        return onlyProblem(yaml, Map.of());
    }

    static ConfigProblem onlyProblem(String yaml, Map<String, String> environment) {
        List<ConfigProblem> problems = failure(yaml, environment).problems();
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    /** The problem reported for {@code path}, when others are expected too. */
    static ConfigProblem problemAt(String yaml, String path) {
        List<ConfigProblem> matching =
                problems(yaml).stream().filter(p -> p.path().equals(path)).toList();
        assertThat(matching).as("problems at " + path).hasSize(1);
        return matching.get(0);
    }

    /** An upstream that is valid on its own, for configs whose subject is something else. */
    static String stdioUpstream(String name) {
        return "  - name: " + name + "\n    transport: stdio\n    command: run\n";
    }
}
