package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A {@link Secret} shows {@value Secret#REDACTED} wherever it is printed: text, exception messages, Jackson JSON. */
class SecretTest {

    private static final String VALUE = "eyJhbGciOiJSUzI1NiJ9.secret-4711";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Holder(String name, Secret secret, List<Secret> many) {}

    @Test
    void whenPrintedThenRedacted() {
        Secret secret = Secret.of(VALUE);

        assertThat(secret).hasToString(Secret.REDACTED);
        assertThat("token " + secret).isEqualTo("token [REDACTED]");
        assertThat(String.format("%s", secret)).isEqualTo(Secret.REDACTED);
        assertThat(new Holder("a", secret, List.of(secret)).toString()).doesNotContain(VALUE);
    }

    @Test
    void whenInAnExceptionMessageThenRedacted() {
        IllegalStateException failure = new IllegalStateException("refused " + Secret.of(VALUE));

        assertThat(failure).hasMessage("refused [REDACTED]");
    }

    @Test
    void whenWrittenByJacksonThenRedacted() throws Exception {
        Secret secret = Secret.of(VALUE);

        assertThat(JSON.writeValueAsString(secret)).isEqualTo("\"[REDACTED]\"");
        assertThat(JSON.writeValueAsString(Map.of("token", secret))).isEqualTo("{\"token\":\"[REDACTED]\"}");
        assertThat(JSON.writeValueAsString(new Holder("a", secret, List.of(secret))))
                .doesNotContain(VALUE)
                .contains("\"secret\":\"[REDACTED]\"")
                .contains("\"many\":[\"[REDACTED]\"]");
    }

    @Test
    void whenRevealedThenTheValueAndComparedInConstantTimeThenByValue() {
        Secret secret = Secret.of(VALUE);

        assertThat(secret.reveal()).isEqualTo(VALUE);
        assertThat(secret.matches(VALUE)).isTrue();
        assertThat(secret.matches(VALUE + "x")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThat(secret).isEqualTo(Secret.of(VALUE)).isNotEqualTo(Secret.of("other"));
    }
}
