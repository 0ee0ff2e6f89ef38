package dev.portico.oauth.grant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.Secret;
import dev.portico.oauth.token.TokenSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldTokenTest {

    private static final Instant OBTAINED = Instant.parse("2025-06-01T10:00:00Z");
    private static final Duration MARGIN = Duration.ofSeconds(30);

    private static HeldToken lasting(Optional<Duration> lifetime) {
        TokenSet tokens = new TokenSet(
                Secret.of("t"),
                Optional.empty(),
                lifetime.map(OBTAINED::plus),
                Set.of(),
                "https://idp",
                Optional.empty(),
                "bot");
        return new HeldToken(tokens, OBTAINED);
    }

    @Test
    void whenTheTokenLivesLongerThanTheMarginThenItIsReplacedAMarginBeforeExpiry() {
        HeldToken token = lasting(Optional.of(Duration.ofMinutes(5)));

        assertThat(token.usableAt(OBTAINED.plus(Duration.ofSeconds(269)), MARGIN))
                .isTrue();
        assertThat(token.usableAt(OBTAINED.plus(Duration.ofSeconds(270)), MARGIN))
                .isFalse();
    }

    @Test
    void whenTheTokenLivesShorterThanTheMarginThenItServesHalfItsLife() {
        HeldToken token = lasting(Optional.of(Duration.ofSeconds(10)));

        assertThat(token.usableAt(OBTAINED.plus(Duration.ofSeconds(4)), MARGIN)).isTrue();
        assertThat(token.usableAt(OBTAINED.plus(Duration.ofSeconds(5)), MARGIN)).isFalse();
    }

    @Test
    void whenTheServerGaveNoLifetimeThenTheTokenServesUntilRefused() {
        assertThat(lasting(Optional.empty()).usableAt(OBTAINED.plus(Duration.ofDays(30)), MARGIN))
                .isTrue();
    }
}
