package dev.portico.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenSetTest {

    @Test
    void whenPrintedThenTokensRedacted() {
        TokenSet tokens = TokenFixtures.tokens("access-value", Set.of("read"), Optional.of(TokenFixtures.FILES));

        assertThat(tokens.toString())
                .doesNotContain("access-value")
                .doesNotContain("refresh-access-value")
                .contains("[REDACTED]")
                .contains("read")
                .contains(TokenFixtures.FILES.toString());
    }

    @Test
    void whenWithinMarginOfExpiryThenExpiring() {
        TokenSet tokens = TokenFixtures.tokens("a", Set.of(), Optional.empty());
        Instant expiry = tokens.expiresAt().orElseThrow();

        assertThat(tokens.expiresWithin(expiry.minusSeconds(31), Duration.ofSeconds(30)))
                .isFalse();
        assertThat(tokens.expiresWithin(expiry.minusSeconds(30), Duration.ofSeconds(30)))
                .isTrue();
    }
}
