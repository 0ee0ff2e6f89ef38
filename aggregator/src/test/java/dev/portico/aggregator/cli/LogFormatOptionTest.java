package dev.portico.aggregator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --log-format} is checked before anything starts; a bad value is a usage error. */
class LogFormatOptionTest {

    @Test
    void whenTheLogFormatIsNeitherTextNorJsonThenTheCommandExitsTwoSayingWhatToUse() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = PorticoMain.run(
                new String[] {"demo", "--port", "0", "--log-format", "xml"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("Invalid log format 'xml' in --log-format: use text or json");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void whenServeIsGivenABadLogFormatThenItStartsNothingAndExitsTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exitCode = PorticoMain.run(
                new String[] {"serve", "--config", "does-not-matter.yaml", "--log-format", "yaml"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exitCode).isEqualTo(PorticoMain.EXIT_CONFIG);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("Invalid log format 'yaml' in --log-format: use text or json");
    }
}
