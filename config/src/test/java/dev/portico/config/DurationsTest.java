package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({
        "0, 0",
        "0s, 0",
        "1ms, 1",
        "500ms, 500",
        "30s, 30000",
        "10m, 600000",
        "1h, 3600000",
        "90s, 90000",
        "007s, 7000"
    })
    void whenTextHasANumberAndAUnitThenItParses(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(
            strings = {
                "30",
                "10 minutes",
                "-1s",
                "PT30S",
                "",
                "1.5s",
                "30S",
                " 30s",
                "30s ",
                "30 s",
                "s",
                "ms",
                "1d",
                "+1s",
                "ten",
                "1h30m",
                "00"
            })
    void whenTextIsNotANumberWithAUnitThenItIsRejectedQuotingTheText(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessage("invalid duration \"" + text + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "9223372036854775807h"})
    void whenNumberIsTooLargeThenItIsRejectedAsTooLarge(String text) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Durations.parse(text))
                .withMessage("invalid duration \"" + text + "\" (too large)");
    }

    @ParameterizedTest(name = "{0} ms -> {1}")
    @CsvSource({
        "0, 0",
        "1, 1ms",
        "1500, 1500ms",
        "30000, 30s",
        "90000, 90s",
        "600000, 10m",
        "5400000, 90m",
        "3600000, 1h",
        "86400000, 24h"
    })
    void formatUsesTheLargestExactUnit(long millis, String expected) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void formatDoesNotOverflowForDurationsBeyondMilliseconds() {
        assertThat(Durations.format(Duration.ofHours(Long.MAX_VALUE / 3600))).endsWith("h");
    }

    @org.junit.jupiter.api.Test
    void acceptedFormShowsAnExampleOfEveryUnit() {
        assertThat(Durations.ACCEPTED_FORM).isEqualTo("use a number with a unit: 500ms, 30s, 10m, 1h");
    }
}
