package dev.portico.oauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.ClientRegistrationException;
import dev.portico.oauth.client.ClientRegistry;
import dev.portico.oauth.client.PorticoClient;
import dev.portico.oauth.http.LoopbackServer.Reply;
import dev.portico.oauth.token.TokenClient;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenRevoker;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker's Nimbus requests (dynamic client registration, token, revocation) take the hardened client: its address
 * policy refuses them before they are sent, and a redirect they get back is an error, never followed. Discovery's own
 * fetches are covered by {@code DiscoveryTest}, the hosted Client ID Metadata Document check by the aggregator's
 * {@code HostedClientMetadataTest}.
 */
class HardenedFetchesTest {

    private static final OutboundHttpSettings LOOPBACK_ALLOWED =
            OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8"));
    private static final OutboundHttpSettings LOOPBACK_REFUSED = OutboundHttpSettings.defaults();

    private LoopbackServer server;
    private OutboundHttp http;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start();
        server.reply("/elsewhere", Reply.json("{\"client_id\":\"followed\",\"access_token\":\"followed\"}"));
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        server.close();
    }

    @Test
    void whenTheRegistrationEndpointIsNotAnAllowedAddressThenNothingIsSent() throws Exception {
        http = new OutboundHttp(LOOPBACK_REFUSED);

        assertThatThrownBy(() -> register(http))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("a loopback address, which the allowed private networks do not include");
        assertThat(server.paths()).isEmpty();
    }

    @Test
    void whenTheRegistrationEndpointRedirectsThenRegistrationFailsAndTheRedirectIsNotFollowed() throws Exception {
        server.reply("/register", redirect());
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> register(http))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("HTTP 302");
        assertThat(server.count("/register")).isEqualTo(1);
        assertThat(server.count("/elsewhere")).isZero();
    }

    @Test
    void whenTheTokenEndpointIsNotAnAllowedAddressThenNothingIsSent() {
        http = new OutboundHttp(LOOPBACK_REFUSED);

        assertThatThrownBy(() -> exchangeCode(http))
                .isInstanceOfSatisfying(TokenRequestException.class, e -> assertThat(e.kind())
                        .isEqualTo(TokenRequestException.Kind.UNREACHABLE));
        assertThat(server.paths()).isEmpty();
    }

    @Test
    void whenTheTokenEndpointRedirectsThenTheExchangeFailsAndTheRedirectIsNotFollowed() {
        server.reply("/token", redirect());
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> exchangeCode(http))
                .isInstanceOf(TokenRequestException.class)
                .hasMessageContaining("HTTP 302");
        assertThat(server.count("/token")).isEqualTo(1);
        assertThat(server.count("/elsewhere")).isZero();
    }

    @Test
    void whenTheRevocationEndpointIsNotAnAllowedAddressThenNothingIsSent() {
        http = new OutboundHttp(LOOPBACK_REFUSED);

        TokenRevoker.Outcome outcome = new TokenRevoker(http.nimbusSender())
                .revoke(endpoint(), Secret.of("refresh-token-1"), TokenRevoker.Kind.REFRESH_TOKEN);

        assertThat(outcome.revoked()).isFalse();
        assertThat(outcome.error()).contains("unreachable");
        assertThat(server.paths()).isEmpty();
    }

    @Test
    void whenTheRevocationEndpointRedirectsThenRevocationFailsAndTheRedirectIsNotFollowed() {
        server.reply("/revoke", redirect());
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        TokenRevoker.Outcome outcome = new TokenRevoker(http.nimbusSender())
                .revoke(endpoint(), Secret.of("refresh-token-1"), TokenRevoker.Kind.REFRESH_TOKEN);

        assertThat(outcome.revoked()).isFalse();
        assertThat(server.count("/revoke")).isEqualTo(1);
        assertThat(server.count("/elsewhere")).isZero();
    }

    private Reply redirect() {
        return new Reply(302, Map.of("Location", server.url("/elsewhere").toString()), "");
    }

    private void register(OutboundHttp through) throws Exception {
        PorticoClient portico = new PorticoClient(
                () -> URI.create("https://portico.example/.well-known/oauth-client.json"),
                () -> URI.create("https://portico.example/oauth/callback"),
                "Portico test",
                Optional.empty());
        String issuer = server.origin();
        AuthorizationServerMetadata metadata = AuthorizationServerMetadata.parse("{\"issuer\":\"" + issuer + "\","
                + "\"authorization_endpoint\":\"" + issuer + "/authorize\",\"token_endpoint\":\"" + issuer
                + "/token\",\"response_types_supported\":[\"code\"],\"code_challenge_methods_supported\":[\"S256\"],"
                + "\"registration_endpoint\":\"" + server.url("/register") + "\"}");
        new ClientRegistry(portico, through.nimbusSender()).identify("docs", UpstreamAuthConfig.discovered(), metadata);
    }

    private void exchangeCode(OutboundHttp through) throws TokenRequestException {
        new TokenClient(through.nimbusSender(), Clock.systemUTC())
                .exchangeCode(
                        endpoint(),
                        Secret.of("the-code"),
                        URI.create("http://127.0.0.1:1/oauth/callback"),
                        Secret.of("v".repeat(43)),
                        Optional.empty(),
                        List.of("files.read"));
    }

    private TokenEndpoint endpoint() {
        return new TokenEndpoint(
                server.origin(),
                server.url("/token"),
                ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED),
                Optional.of(server.url("/revoke")));
    }
}
