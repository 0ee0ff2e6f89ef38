package dev.portico.aggregator.cli;

import static dev.portico.aggregator.cli.InProcessCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.cli.InProcessCli.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --help} of every command, and the exit codes it documents: 0 ok, 1 runtime failure, 2 config or usage. */
class CommandLineHelpTest {

    @TempDir
    Path dir;

    @Test
    void topLevelHelpShowsServeAsTheDefaultAndListsCommandsAndExitCodes() {
        Result result = run("--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out())
                .startsWith("Usage: portico [serve] --config=FILE [--stdio]")
                .contains(
                        "portico demo [--port=N] [--stdio]",
                        "portico check-config --config=FILE",
                        "portico version",
                        "serve is the default command",
                        "Commands:",
                        "Exit codes:",
                        "0   Success",
                        "1   Runtime failure",
                        "2   Invalid configuration or invalid command-line usage");
        assertThat(result.out().lines().filter(line -> line.matches("  (serve|demo|check-config|version) .*")))
                .hasSize(4);
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "serve        | 0 1 2",
                "demo         | 0 1 2",
                "check-config | 0 2",
                "version      | 0 2",
            })
    void everyCommandHasHelpWithItsExitCodes(String command, String exitCodes) {
        Result result = run(command, "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: portico " + command).contains("Exit codes:");
        String codes = result.out().substring(result.out().indexOf("Exit codes:"));
        for (String code : new String[] {"0", "1", "2"}) {
            boolean documented = codes.lines().anyMatch(line -> line.startsWith("  " + code + "   "));
            assertThat(documented).as("exit code " + code).isEqualTo(exitCodes.contains(code));
        }
    }

    @Test
    void theHelpCommandShowsACommandsHelp() {
        Result result = run("help", "check-config");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("Usage: portico check-config");
    }

    @Test
    void versionPrintsTheVersionAndExitsZero() {
        Result command = run("version");
        Result option = run("--version");

        assertThat(command.exitCode()).isZero();
        // Not run from the jar here, so there is no manifest version; DistributionIT checks the real one.
        assertThat(command.out()).isEqualTo("portico dev" + System.lineSeparator());
        assertThat(option.exitCode()).isZero();
        assertThat(option.out()).isEqualTo(command.out());
    }

    @Test
    void anUnknownCommandIsAUsageErrorExitingTwo() {
        Result result = run("srve", "--config", "portico.yaml");

        assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(result.err()).contains("srve");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aPortInUseIsARuntimeFailureExitingOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = Files.writeString(
                    dir.resolve("portico.yaml"), "server:\n  host: 127.0.0.1\n  port: " + taken.getLocalPort() + "\n");

            Result result = run("serve", "--config", config.toString());

            assertThat(result.exitCode()).isEqualTo(PorticoMain.EXIT_FAILURE);
            assertThat(result.err())
                    .startsWith("portico: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("address already in use")
                    .doesNotContain("\tat ");
        }
    }
}
