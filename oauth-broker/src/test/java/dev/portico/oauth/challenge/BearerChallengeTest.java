package dev.portico.oauth.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BearerChallengeTest {

    @Test
    void whenTheChallengeCarriesAllParamsThenEachIsRead() throws Exception {
        BearerChallenge bearer = bearer("Basic realm=\"x\", Bearer realm=\"mcp\", error=\"insufficient_scope\", "
                        + "error_description=\"needs write\", scope=\"files:read  files:write\", "
                        + "resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"")
                .orElseThrow();

        assertThat(bearer.realm()).contains("mcp");
        assertThat(bearer.error()).contains("insufficient_scope");
        assertThat(bearer.insufficientScope()).isTrue();
        assertThat(bearer.invalidToken()).isFalse();
        assertThat(bearer.errorDescription()).contains("needs write");
        assertThat(bearer.scope()).containsExactly("files:read", "files:write");
        assertThat(bearer.resourceMetadata())
                .contains(URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"));
    }

    @Test
    void whenTheChallengeIsBareThenEveryParamIsAbsent() throws Exception {
        BearerChallenge bearer = bearer("Bearer").orElseThrow();

        assertThat(bearer.realm()).isEmpty();
        assertThat(bearer.scope()).isEmpty();
        assertThat(bearer.error()).isEmpty();
        assertThat(bearer.errorDescription()).isEmpty();
        assertThat(bearer.resourceMetadata()).isEmpty();
    }

    @Test
    void whenNoChallengeIsBearerThenNoneIsFound() throws Exception {
        assertThat(bearer("Basic realm=\"x\", Negotiate abc==")).isEmpty();
    }

    @Test
    void whenTheSchemeIsInAnotherCaseThenItIsStillBearer() throws Exception {
        assertThat(bearer("BEARER error=invalid_token"))
                .hasValueSatisfying(b -> assertThat(b.invalidToken()).isTrue());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/relative/prm",
                "ftp://example.com/prm",
                "https://example.com/prm#frag",
                "https:///x",
                "ht tp://x"
            })
    void whenResourceMetadataIsNotAnAbsoluteHttpUrlThenTheChallengeIsRejected(String url) {
        WwwAuthenticateChallenge challenge = WwwAuthenticateChallenge.of("Bearer", Map.of("resource_metadata", url));

        assertThatThrownBy(() -> BearerChallenge.from(challenge))
                .isInstanceOf(WwwAuthenticateParseException.class)
                .hasMessageContaining("resource_metadata")
                .hasMessageContaining("RFC 9728 §5.1");
    }

    @Test
    void whenTheChallengeIsNotBearerThenFromRefusesIt() {
        assertThatThrownBy(() -> BearerChallenge.from(WwwAuthenticateChallenge.of("Basic", Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Optional<BearerChallenge> bearer(String value) throws WwwAuthenticateParseException {
        List<WwwAuthenticateChallenge> challenges = WwwAuthenticate.parse(value).challengesOrThrow();
        return BearerChallenge.find(challenges);
    }
}
