package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeySuggestionTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "prot, port",
        "urll, url",
        "ur, url",
        "timout, timeout",
        "tiemout, timeout",
        "public_url, publicUrl",
        "PublicURL, publicUrl",
        "tool-prefix, toolPrefix",
        "upstream, upstreams",
        "comand, command",
        "header, headers"
    })
    void whenAKeyIsATypoOfAKnownKeyThenThatKeyIsSuggested(String typed, String expected) {
        assertThat(KeySuggestion.closest(typed, known())).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"colour", "x", "endpoint", "authorization", "oauth"})
    void whenNoKnownKeyIsCloseThenNothingIsSuggested(String typed) {
        assertThat(KeySuggestion.closest(typed, known())).isEmpty();
    }

    private static List<String> known() {
        return List.of(
                "server",
                "upstreams",
                "host",
                "port",
                "publicUrl",
                "name",
                "transport",
                "url",
                "toolPrefix",
                "headers",
                "timeout",
                "pingInterval",
                "command",
                "args",
                "env");
    }
}
