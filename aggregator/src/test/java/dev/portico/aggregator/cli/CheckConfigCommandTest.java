package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {

    @TempDir
    Path dir;

    @Test
    void validFileExitsZeroAndNamesTheUpstreams() throws Exception {
        Path file = write(
                "portico.yaml",
                """
                server:
                  port: 0
                upstreams:
                  - name: alpha
                    transport: streamable-http
                    url: http://127.0.0.1:3001/mcp
                  - name: beta
                    transport: stdio
                    command: npx
                """);

        Result result = run("check-config", "--config", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo(file + ": valid (2 upstreams: alpha, beta)" + System.lineSeparator());
        assertThat(result.err()).isEmpty();
    }

    @Test
    void fileWithoutUpstreamsIsValid() throws Exception {
        Path file = write("empty.yaml", "# nothing configured yet\n");

        Result result = run("check-config", "--config", file.toString());

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains(file + ": valid (0 upstreams)");
    }

    @Test
    void unknownKeyExitsTwoWithLocationAndKeyPath() throws Exception {
        Path file = write("portico.yaml", """
                server:
                  prot: 8080
                """);

        Result result = run("check-config", "--config", file.toString());

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains(file + ":2:3: server.prot: unknown key `prot`", "did you mean `port`?");
        assertThat(result.err()).doesNotContain("Exception", "\tat ");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void everyProblemIsReported() throws Exception {
        Path file = write(
                "portico.yaml",
                """
                server:
                  prot: 8080
                upstreams:
                  - name: Files
                    transport: stdio
                """);

        Result result = run("check-config", "--config", file.toString());

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains("server.prot", "upstreams[0].name", "upstreams[0].command");
    }

    @Test
    void missingFileExitsTwo() {
        Path file = dir.resolve("nope.yaml");

        Result result = run("check-config", "--config", file.toString());

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains(file + ": file not found");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void missingConfigOptionIsAUsageError() {
        Result result = run("check-config");

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains("--config");
    }

    @Test
    void serveRejectsAnInvalidConfigBeforeServing() throws Exception {
        Path file = write("portico.yaml", "server:\n  port: eighty\n");

        Result defaultCommand = run("--config", file.toString());
        Result serve = run("serve", "--config", file.toString(), "--stdio");

        assertThat(defaultCommand.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(defaultCommand.err()).contains(file + ":2:9: server.port");
        assertThat(serve.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(serve.err()).contains(file + ":2:9: server.port");
        assertThat(serve.out()).isEmpty();
    }

    @Test
    void withoutArgumentsTheConfigIsRequired() {
        Result result = run();

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains("Missing required option: '--config=FILE'", "Usage: portico");
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result result = run("demo", "--prot", "1");

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains("Unknown option", "'--prot'");
    }

    @Test
    void helpIsAvailableForEveryCommand() {
        for (String command : new String[] {"serve", "demo", "check-config", "version"}) {
            Result result = run(command, "--help");
            assertThat(result.exitCode()).as(command).isZero();
            assertThat(result.out()).as(command).contains("Usage: portico " + command);
        }
        Result top = run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("serve", "demo", "check-config", "version", "Exit codes:");
    }

    @Test
    void versionPrintsTheVersion() {
        Result result = run("version");

        assertThat(result.exitCode()).isZero();
        // Not run from the jar here, so there is no manifest version.
        assertThat(result.out()).isEqualTo("portico dev" + System.lineSeparator());
    }

    @Test
    void theExampleConfigIsValid() {
        // Surefire runs in the module directory; the example lives at the repository root.
        Path example = Path.of("..", "examples", "portico.yaml");

        Result result = run("check-config", "--config", example.toString());

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("valid (3 upstreams: ");
    }

    private Path write(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exitCode = PorticoMain.run(args, outStream, errStream);
        }
        return new Result(exitCode, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String out, String err) {}
}
