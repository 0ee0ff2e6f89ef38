package dev.portico.oauth.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portico.config.SecurityConfig;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The claim and algorithm rules of {@link InboundTokenValidator}, against mock-oauth2-server's real keys. */
class InboundTokenValidatorTest {

    private static final String AUDIENCE = "https://portico.example.com/mcp";

    private MockOAuth2Server idp;
    private OutboundHttp http;
    private URI issuer;

    @BeforeEach
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        issuer = URI.create(idp.issuerUrl("users").toString());
        http = new OutboundHttp(OutboundHttpSettings.from(new SecurityConfig(true, List.of("127.0.0.0/8"))));
    }

    @AfterEach
    void stop() {
        http.close();
        idp.shutdown();
    }

    private InboundTokenValidator validator(List<String> requiredScopes, Clock clock) {
        return new InboundTokenValidator(
                issuer,
                () -> Set.of(AUDIENCE),
                requiredScopes,
                Duration.ofMinutes(5),
                new Discovery(http, Duration.ofMinutes(5), clock),
                http,
                clock);
    }

    private String token(Map<String, Object> claims, long expirySeconds) {
        return idp.issueToken("users", "alice", AUDIENCE, claims, expirySeconds).serialize();
    }

    @Test
    void whenTheTokenIsValidThenTheUserIsItsIssuerAndSubject() throws Exception {
        InboundUser user = validator(List.of(), Clock.systemUTC()).validate(token(Map.of("scope", "a b"), 600));

        assertThat(user.issuer()).isEqualTo(issuer.toString());
        assertThat(user.subject()).isEqualTo("alice");
        assertThat(user.scopes()).containsExactlyInAnyOrder("a", "b");
        assertThat(user.ownerKey()).startsWith("user.").doesNotContain("alice");
        assertThat(user.toString()).doesNotContain("alice");
    }

    @Test
    void whenTheTokenExpiredWithinTheClockSkewThenItIsStillAccepted() throws Exception {
        String token = token(Map.of(), 600);
        Clock later = Clock.fixed(Instant.now().plusSeconds(600 + 20), ZoneOffset.UTC);

        assertThat(validator(List.of(), later).validate(token).subject()).isEqualTo("alice");
    }

    @Test
    void whenTheTokenExpiredLongerAgoThanTheSkewThenItIsRefused() {
        String token = token(Map.of(), 600);
        Clock later = Clock.fixed(Instant.now().plusSeconds(600 + 45), ZoneOffset.UTC);

        assertThatThrownBy(() -> validator(List.of(), later).validate(token))
                .isInstanceOf(InboundTokenException.class)
                .hasMessage("the token has expired");
    }

    @Test
    void whenNotBeforeIsLaterThanTheSkewThenTheTokenIsRefused() {
        long inAMinute = Instant.now().plusSeconds(60).getEpochSecond();
        String token = token(Map.of("nbf", inAMinute), 600);

        assertThatThrownBy(() -> validator(List.of(), Clock.systemUTC()).validate(token))
                .hasMessage("the token is not valid yet");
    }

    @Test
    void whenScopesComeAsAnScpListThenTheyCountForRequiredScopes() throws Exception {
        String token = token(Map.of("scp", List.of("mcp", "other")), 600);

        assertThat(validator(List.of("mcp"), Clock.systemUTC()).validate(token).scopes())
                .contains("mcp");
    }

    @Test
    void whenARequiredScopeIsMissingThenTheErrorIsInsufficientScope() {
        String token = token(Map.of("scope", "other"), 600);

        assertThatThrownBy(() ->
                        validator(List.of("mcp", "other"), Clock.systemUTC()).validate(token))
                .isInstanceOfSatisfying(InboundTokenException.class, e -> assertThat(e.error())
                        .isEqualTo(InboundTokenException.Error.INSUFFICIENT_SCOPE))
                .hasMessage("the token lacks the scope(s) mcp");
    }

    @Test
    void whenTheTokenIsHmacSignedThenItIsRefusedWhateverTheKey() throws Exception {
        validator(List.of(), Clock.systemUTC()).validate(token(Map.of(), 600));
        SignedJWT forged = new SignedJWT(
                new JWSHeader(JWSAlgorithm.HS256),
                new JWTClaimsSet.Builder()
                        .issuer(issuer.toString())
                        .audience(AUDIENCE)
                        .subject("alice")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                        .build());
        forged.sign(new MACSigner("0123456789abcdef0123456789abcdef"));

        assertThatThrownBy(() -> validator(List.of(), Clock.systemUTC()).validate(forged.serialize()))
                .isInstanceOfSatisfying(InboundTokenException.class, e -> assertThat(e.error())
                        .isEqualTo(InboundTokenException.Error.INVALID_TOKEN));
    }

    @Test
    void whenTheIssuerCannotBeReachedThenTheErrorIsTemporary() {
        issuer = URI.create("http://127.0.0.1:1/nobody");

        assertThatThrownBy(() -> validator(List.of(), Clock.systemUTC()).validate("a.b.c"))
                .isInstanceOfSatisfying(InboundTokenException.class, e -> assertThat(e.error())
                        .isEqualTo(InboundTokenException.Error.TEMPORARILY_UNAVAILABLE));
    }
}
