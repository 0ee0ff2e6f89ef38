package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileErrorsTest {

    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void whenTheFileDoesNotExistThenProblemHasNoLineAndNamesThePath(@TempDir Path directory) {
        Path missing = directory.resolve("missing.yaml");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.load(missing));

        assertThat(failure.problems())
                .containsExactly(new ConfigProblem(
                        missing.toString(),
                        ConfigProblem.NO_LINE,
                        ConfigProblem.NO_LINE,
                        "",
                        "file not found",
                        "check the path; it is resolved against the working directory"));
        assertThat(failure.getMessage())
                .isEqualTo(missing + ": file not found — check the path; it is resolved against the working directory");
    }

    @Test
    void whenThePathIsADirectoryThenProblemSaysSo(@TempDir Path directory) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.load(directory));

        assertThat(failure.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo(directory.toString());
            assertThat(problem.hasLocation()).isFalse();
            assertThat(problem.message()).isEqualTo("is a directory, not a file");
        });
    }

    @Test
    void whenTheFileHasProblemsThenTheyNameThePathAsGiven(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("bad.yaml");
        java.nio.file.Files.writeString(file, "server:\n  port: abc\n");

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> loader.load(file));

        assertThat(failure.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.file()).isEqualTo(file.toString());
            assertThat(problem.line()).isEqualTo(2);
        });
    }
}
