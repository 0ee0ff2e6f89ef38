package dev.portico.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerTextTest {

    @Test
    void whenTextHasControlCharactersThenTheyBecomeSpaces() {
        assertThat(ServerText.forMessage("line one\nline two\r\u0007end")).isEqualTo("line one line two  end");
    }

    @Test
    void whenTextIsLongThenItIsCutWithAnEllipsis() {
        String text = "x".repeat(500);

        assertThat(ServerText.forMessage(text)).hasSize(201).endsWith("…");
    }

    @Test
    void whenTextIsShortThenItIsKept() {
        assertThat(ServerText.forMessage("invalid_client_metadata")).isEqualTo("invalid_client_metadata");
    }
}
