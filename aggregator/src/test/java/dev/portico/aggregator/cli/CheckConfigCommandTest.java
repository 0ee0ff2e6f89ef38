package dev.portico.aggregator.cli;

import static dev.portico.aggregator.cli.InProcessCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.cli.InProcessCli.Result;
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
}
