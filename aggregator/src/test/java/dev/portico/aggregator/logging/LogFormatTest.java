package dev.portico.aggregator.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    @Test
    void whenNothingAsksForAFormatThenItIsText() {
        assertThat(LogFormat.resolve(Optional.empty(), Map.of())).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.resolve(Optional.empty(), Map.of(LogFormat.ENVIRONMENT_VARIABLE, " ")))
                .isEqualTo(LogFormat.TEXT);
    }

    @Test
    void whenTheEnvironmentAsksForJsonThenItIsJson() {
        assertThat(LogFormat.resolve(Optional.empty(), Map.of(LogFormat.ENVIRONMENT_VARIABLE, "JSON")))
                .isEqualTo(LogFormat.JSON);
    }

    @Test
    void whenTheOptionIsGivenThenItWinsOverTheEnvironment() {
        Map<String, String> environment = Map.of(LogFormat.ENVIRONMENT_VARIABLE, "json");

        assertThat(LogFormat.resolve(Optional.of("text"), environment)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.resolve(Optional.of("json"), Map.of())).isEqualTo(LogFormat.JSON);
    }

    @Test
    void whenAValueIsNeitherTextNorJsonThenTheErrorSaysWhereItCameFrom() {
        assertThatThrownBy(() -> LogFormat.resolve(Optional.of("xml"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid log format 'xml' in --log-format: use text or json");
        assertThatThrownBy(() -> LogFormat.resolve(Optional.empty(), Map.of(LogFormat.ENVIRONMENT_VARIABLE, "logfmt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid log format 'logfmt' in the environment variable PORTICO_LOG_FORMAT: use text or"
                        + " json");
    }
}
