package dev.portico.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingSignInTest {

    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");

    private static Map<String, List<String>> query(URI url) {
        return URLUtils.parseParameters(url.getRawQuery());
    }

    @Test
    void whenStartedThenAuthorizationUrlCarriesCodeFlowWithS256() {
        PendingSignIn signIn = PendingSignIn.start(
                "session-1",
                SignInFixtures.target(List.of("files.read", "files.write"), true),
                SignInFixtures.REDIRECT_URI,
                NOW,
                Duration.ofMinutes(10));

        URI url = signIn.authorizationUrl();
        Map<String, List<String>> params = query(url);
        assertThat(url.getScheme() + "://" + url.getHost() + url.getPath())
                .isEqualTo(SignInFixtures.ISSUER + "/authorize");
        assertThat(params.get("response_type")).containsExactly("code");
        assertThat(params.get("client_id")).containsExactly("portico-test");
        assertThat(params.get("redirect_uri")).containsExactly(SignInFixtures.REDIRECT_URI.toString());
        assertThat(params.get("state")).containsExactly(signIn.state().reveal());
        assertThat(params.get("code_challenge_method")).containsExactly("S256");
        String expectedChallenge = CodeChallenge.compute(
                        CodeChallengeMethod.S256,
                        new CodeVerifier(signIn.verifier().reveal()))
                .getValue();
        assertThat(params.get("code_challenge")).containsExactly(expectedChallenge);
        assertThat(params.get("resource")).containsExactly(SignInFixtures.RESOURCE.toString());
        assertThat(params.get("scope")).containsExactly("files.read files.write");
    }

    @Test
    void whenPrintedThenNeitherTheStateNorTheVerifierNorTheWholeOwnerShows() {
        PendingSignIn signIn = SignInFixtures.signIn("session-0123456789abcdef", NOW);

        assertThat(signIn.toString())
                .doesNotContain(signIn.state().reveal())
                .doesNotContain(signIn.verifier().reveal())
                .doesNotContain("session-0123456789abcdef")
                .contains("session-…");
    }

    @Test
    void whenStartedThenVerifierNeverInUrl() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", NOW);

        assertThat(signIn.authorizationUrl().toString())
                .doesNotContain(signIn.verifier().reveal());
        assertThat(query(signIn.authorizationUrl())).doesNotContainKey("code_verifier");
    }

    @Test
    void whenStartedThenStateAndStartIdAreDistinct256BitValues() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", NOW);
        PendingSignIn other = SignInFixtures.signIn("session-1", NOW);

        assertThat(Base64.getUrlDecoder().decode(signIn.state().reveal())).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode(signIn.startId())).hasSize(32);
        assertThat(signIn.startId()).isNotEqualTo(signIn.state().reveal());
        assertThat(other.state()).isNotEqualTo(signIn.state());
        assertThat(other.verifier()).isNotEqualTo(signIn.verifier());
        assertThat(signIn.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        assertThat(signIn.browserBinding()).isEmpty();
    }

    @Test
    void whenResourceTurnedOffThenNoResourceParameter() {
        PendingSignIn signIn = PendingSignIn.start(
                "session-1",
                SignInFixtures.target(List.of("files.read"), false),
                SignInFixtures.REDIRECT_URI,
                NOW,
                Duration.ofMinutes(10));

        assertThat(query(signIn.authorizationUrl())).doesNotContainKey("resource");
    }

    @Test
    void whenNoScopesThenNoScopeParameter() {
        PendingSignIn signIn = PendingSignIn.start(
                "session-1",
                SignInFixtures.target(List.of(), true),
                SignInFixtures.REDIRECT_URI,
                NOW,
                Duration.ofMinutes(10));

        assertThat(query(signIn.authorizationUrl())).doesNotContainKey("scope");
    }

    @Test
    void whenTimeToLiveNotPositiveThenRefused() {
        assertThatThrownBy(() -> PendingSignIn.start(
                        "session-1",
                        SignInFixtures.target(List.of(), true),
                        SignInFixtures.REDIRECT_URI,
                        NOW,
                        Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeToLive must be positive: PT0S");
    }

    @Test
    void whenRemainingAskedThenCountsDownToZero() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", NOW);

        assertThat(signIn.remaining(NOW.plusSeconds(60))).isEqualTo(Duration.ofMinutes(9));
        assertThat(signIn.remaining(NOW.plus(Duration.ofMinutes(11)))).isEqualTo(Duration.ZERO);
        assertThat(signIn.expiredAt(NOW.plus(Duration.ofMinutes(10)))).isTrue();
    }
}
