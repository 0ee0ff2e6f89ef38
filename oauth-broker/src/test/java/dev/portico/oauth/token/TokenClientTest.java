package dev.portico.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.Secret;
import dev.portico.oauth.MutableClock;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.http.LoopbackServer;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenClientTest {

    private static final URI RESOURCE = URI.create("https://files.example.com/mcp");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private MockOAuth2Server authorizationServer;
    private LoopbackServer loopback;
    private OutboundHttp http;
    private TokenClient client;

    @BeforeEach
    void start() throws Exception {
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        loopback = LoopbackServer.start();
        http = new OutboundHttp(
                OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")));
        client = new TokenClient(http.nimbusSender(), clock);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        loopback.close();
        authorizationServer.shutdown();
    }

    private TokenEndpoint mockEndpoint() {
        return new TokenEndpoint(
                authorizationServer.issuerUrl("default").toString(),
                authorizationServer.tokenEndpointUrl("default").uri(),
                ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED));
    }

    private TokenEndpoint loopbackEndpoint() {
        return new TokenEndpoint(
                loopback.origin(),
                loopback.url("/token"),
                ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED));
    }

    private TokenSet exchange(TokenEndpoint endpoint) throws TokenRequestException {
        return client.exchangeCode(
                endpoint,
                Secret.of("the-code"),
                URI.create("http://127.0.0.1:1/oauth/callback"),
                Secret.of("v".repeat(43)),
                Optional.of(RESOURCE),
                List.of("openid", "files.read"));
    }

    @Test
    void whenCodeExchangedThenBearerTokensWithRequestedScopesAndResource() throws Exception {
        TokenSet tokens = exchange(mockEndpoint());

        assertThat(tokens.accessToken().reveal()).isNotBlank();
        assertThat(tokens.refreshToken()).isPresent();
        assertThat(tokens.expiresAt()).isPresent();
        assertThat(tokens.expiresAt().get()).isAfter(clock.instant());
        assertThat(tokens.scopes()).containsExactlyInAnyOrder("openid", "files.read");
        assertThat(tokens.resource()).contains(RESOURCE);
        assertThat(tokens.issuer()).isEqualTo(mockEndpoint().issuer());
        assertThat(tokens.clientId()).isEqualTo("portico-test");

        RecordedRequest request = authorizationServer.takeRequest(5, TimeUnit.SECONDS);
        String body = request.getBody().readUtf8();
        assertThat(body)
                .contains("grant_type=authorization_code")
                .contains("code_verifier=" + "v".repeat(43))
                .contains("client_id=portico-test")
                .contains("resource=https%3A%2F%2Ffiles.example.com%2Fmcp");
    }

    @Test
    void whenRefreshedForAnotherResourceThenNewTokenBoundToItAndRefreshTokenKept() throws Exception {
        TokenSet first = exchange(mockEndpoint());
        URI other = URI.create("https://mail.example.com/mcp");

        TokenSet refreshed = client.refresh(mockEndpoint(), first, Optional.of(other));

        assertThat(refreshed.accessToken()).isNotEqualTo(first.accessToken());
        assertThat(refreshed.resource()).contains(other);
        assertThat(refreshed.refreshToken()).isPresent();
        assertThat(refreshed.scopes()).isEqualTo(first.scopes());
    }

    @Test
    void whenErrorResponseThenTypedWithServerCodeAndNoSecret() {
        loopback.reply(
                "/token",
                new LoopbackServer.Reply(
                        400,
                        Map.of("Content-Type", "application/json"),
                        "{\"error\":\"invalid_grant\",\"error_description\":\"code expired\"}"));

        assertThatThrownBy(() -> exchange(loopbackEndpoint()))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenRequestException.Kind.ERROR_RESPONSE);
                    assertThat(e.errorCode()).contains("invalid_grant");
                    assertThat(e.errorDescription()).contains("code expired");
                    assertThat(e.grantRejected()).isTrue();
                })
                .hasMessage("the token endpoint of " + loopback.origin()
                        + " answered HTTP 400 invalid_grant (code expired)")
                .hasMessageNotContaining("the-code");
    }

    @Test
    void whenAnswerIsNotJsonThenMalformed() {
        loopback.reply("/token", new LoopbackServer.Reply(200, Map.of("Content-Type", "text/html"), "<html></html>"));

        assertThatThrownBy(() -> exchange(loopbackEndpoint()))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.kind())
                        .isEqualTo(TokenRequestException.Kind.MALFORMED_RESPONSE))
                .hasMessage("the token endpoint of " + loopback.origin()
                        + " gave an unusable answer: HTTP 200, not an OAuth token response");
    }

    @Test
    void whenTokenTypeIsDpopThenMalformed() {
        loopback.reply("/token", LoopbackServer.Reply.json("{\"access_token\":\"x\",\"token_type\":\"DPoP\"}"));

        assertThatThrownBy(() -> exchange(loopbackEndpoint()))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.kind())
                        .isEqualTo(TokenRequestException.Kind.MALFORMED_RESPONSE))
                .hasMessageContaining("token_type DPoP is not supported");
    }

    /** Found by TokenResponseFuzzTest (input huge-expires-in): Instant.plusSeconds overflowed. */
    @Test
    void whenExpiresInIsBeyondAnyDateThenTheTokenExpiresAfterTheLongestLifetime() throws Exception {
        loopback.reply(
                "/token",
                LoopbackServer.Reply.json(
                        "{\"access_token\":\"x\",\"token_type\":\"Bearer\"," + "\"expires_in\":9223372036854775807}"));

        TokenSet tokens = exchange(loopbackEndpoint());

        assertThat(tokens.expiresAt()).contains(clock.instant().plus(TokenClient.MAX_LIFETIME));
    }

    /**
     * Found by TokenResponseFuzzTest: Nimbus threw IllegalArgumentException for this Content-Type, whose subtype
     * String.trim() empties. Read directly, as a test server would not send the control character.
     */
    @Test
    void whenTheContentTypeSubtypeIsAControlCharacterThenMalformed() {
        HTTPResponse response = new HTTPResponse(400);
        response.setHeader("Content-Type", "application/\u001f");
        response.setBody("{\"error\":\"invalid_grant\"}");

        assertThatThrownBy(
                        () -> client.read(loopbackEndpoint(), response, Optional.empty(), Set.of(), Optional.empty()))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.kind())
                        .isEqualTo(TokenRequestException.Kind.MALFORMED_RESPONSE))
                .hasMessage("the token endpoint of " + loopback.origin()
                        + " gave an unusable answer: HTTP 400, not an OAuth token response");
    }

    @Test
    void whenEndpointRefusedByPolicyThenUnreachable() {
        TokenEndpoint refused = new TokenEndpoint(
                "https://as.example.com",
                URI.create("https://10.0.0.1/token"),
                ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED));

        assertThatThrownBy(() -> exchange(refused))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.kind())
                        .isEqualTo(TokenRequestException.Kind.UNREACHABLE))
                .hasMessageStartingWith("the token endpoint of https://as.example.com could not be reached: ");
    }
}
