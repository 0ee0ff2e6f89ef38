package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.DemoIdentityProvider.RevocationRecord;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.BrokerOnLoopback;
import dev.portico.aggregator.testing.Browser;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.OAuthBroker;
import dev.portico.oauth.ProtectedUpstream;
import dev.portico.oauth.SignInOutcome;
import dev.portico.oauth.SignOutResult;
import dev.portico.oauth.token.TokenSet;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Signing out through the broker with the real demo identity provider and protected upstreams on loopback: tokens
 * dropped, revoked at the provider (RFC 7009), refused by the upstream and by the token endpoint afterwards.
 */
@OAuthEndToEnd
class SignOutEndToEndTest {

    private static final String OWNER = "session-11111111-aaaa";
    private static final String OTHER_OWNER = "session-22222222-bbbb";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private SignInWorld world;
    private BrokerOnLoopback host;
    private OAuthBroker broker;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    private void start(Consumer<DemoIdentityProvider.Builder> idpOptions) throws Exception {
        world = new SignInWorld(idp -> {
            idp.clientIdMetadataDocuments(false);
            idpOptions.accept(idp);
        });
        world.upstream("calendar", u -> {});
        world.upstream("mail", u -> {});
        host = world.startBroker();
        broker = host.broker();
    }

    @Test
    void whenSignedOutOfAServerThenTokensGoneRevokedAtTheProviderAndRefusedEverywhere() throws Exception {
        start(idp -> {});
        signIn(OWNER, "calendar");
        assertThat(broker.onUnauthorized(OWNER, upstream("mail"), 401, challenge("mail")))
                .isInstanceOf(SignInOutcome.Authorized.class);
        Secret calendarToken = broker.accessToken(OWNER, upstream("calendar")).orElseThrow();
        List<TokenSet> held = host.tokens().find(OWNER, issuer(), Set.of());
        assertThat(held).hasSize(2);
        assertThat(initialize("calendar", calendarToken)).isEqualTo(200);

        SignOutResult result = broker.signOut(OWNER, Optional.of("calendar"));

        assertThat(result).isEqualTo(new SignOutResult(List.of(issuer()), List.of("calendar", "mail"), List.of()));
        assertThat(broker.accessToken(OWNER, upstream("calendar"))).isEmpty();
        assertThat(broker.accessToken(OWNER, upstream("mail"))).isEmpty();
        String clientId = world.idp.registeredClients().get(0).clientId();
        assertThat(world.idp.revocations())
                .allSatisfy(r -> assertThat(r.clientId()).isEqualTo(clientId))
                .allSatisfy(r -> assertThat(r.status()).isEqualTo(200))
                .extracting(RevocationRecord::tokenKind)
                .containsOnly(RevocationRecord.REFRESH_TOKEN, RevocationRecord.ACCESS_TOKEN)
                .filteredOn(RevocationRecord.ACCESS_TOKEN::equals)
                .hasSize(2);
        for (TokenSet set : held) {
            assertThat(world.idp.isRevoked(set.accessToken().reveal())).isTrue();
            assertThat(refresh(clientId, set.refreshToken().orElseThrow())).isEqualTo(400);
        }
        assertThat(initialize("calendar", calendarToken)).isEqualTo(401);
        assertThat(broker.onUnauthorized(OWNER, upstream("calendar"), 401, challenge("calendar")))
                .isInstanceOf(SignInOutcome.SignInRequired.class);
    }

    @Test
    void whenSignedOutOfEverythingThenOnlyThatSessionLosesItsTokens() throws Exception {
        start(idp -> {});
        signIn(OWNER, "calendar");
        signIn(OTHER_OWNER, "calendar");

        SignOutResult result = broker.signOut(OWNER, Optional.empty());

        assertThat(result).isEqualTo(new SignOutResult(List.of(issuer()), List.of("calendar"), List.of()));
        assertThat(broker.accessToken(OWNER, upstream("calendar"))).isEmpty();
        Secret othersToken =
                broker.accessToken(OTHER_OWNER, upstream("calendar")).orElseThrow();
        assertThat(initialize("calendar", othersToken)).isEqualTo(200);
        assertThat(broker.signOut(OWNER, Optional.empty()))
                .isEqualTo(new SignOutResult(List.of(), List.of(), List.of()));
    }

    @Test
    void whenTheServerIsUnknownThenIllegalArgument() throws Exception {
        start(idp -> {});

        assertThatThrownBy(() -> broker.signOut(OWNER, Optional.of("calendar")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Unknown server 'calendar': Portico knows no sign-in for it (no such upstream, or it never"
                        + " asked for one).");
    }

    @Test
    void whenTheProviderOffersNoRevocationThenSignOutIsLocalAndReportsNoProblem() throws Exception {
        start(idp -> idp.revocation(false));
        signIn(OWNER, "calendar");
        Secret token = broker.accessToken(OWNER, upstream("calendar")).orElseThrow();

        SignOutResult result = broker.signOut(OWNER, Optional.of("calendar"));

        assertThat(result).isEqualTo(new SignOutResult(List.of(issuer()), List.of("calendar"), List.of()));
        assertThat(broker.accessToken(OWNER, upstream("calendar"))).isEmpty();
        assertThat(world.idp.revocations()).isEmpty();
        // Nobody told the provider: the token itself stays valid until it expires.
        assertThat(initialize("calendar", token)).isEqualTo(200);
    }

    private void signIn(String owner, String name) throws Exception {
        SignInOutcome outcome = broker.onUnauthorized(owner, upstream(name), 401, challenge(name));
        assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
        Browser.Page page = new Browser().open(((SignInOutcome.SignInRequired) outcome).startUrl());
        assertThat(page.status()).as("sign-in page: %s", page.body()).isEqualTo(200);
    }

    private String issuer() {
        return world.idp.issuer().toString();
    }

    private ProtectedDemoUpstream demo(String name) {
        return world.upstreams.stream()
                .filter(u -> u.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private ProtectedUpstream upstream(String name) {
        return new ProtectedUpstream(name, demo(name).mcpUrl(), UpstreamAuthConfig.discovered());
    }

    /** The upstream's real challenge: its 401's {@code WWW-Authenticate}. */
    private List<String> challenge(String name) throws Exception {
        HttpResponse<String> response = post(name, Optional.empty());
        assertThat(response.statusCode()).isEqualTo(401);
        return response.headers().allValues("WWW-Authenticate");
    }

    private int initialize(String name, Secret token) throws Exception {
        return post(name, Optional.of(token)).statusCode();
    }

    private HttpResponse<String> post(String name, Optional<Secret> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(demo(name).mcpUrl())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(INITIALIZE));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t.reveal()));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int refresh(String clientId, Secret refreshToken) throws Exception {
        HTTPRequest request = new TokenRequest.Builder(
                        world.idp.tokenEndpoint(),
                        new ClientID(clientId),
                        new RefreshTokenGrant(new RefreshToken(refreshToken.reveal())))
                .build()
                .toHTTPRequest();
        request.setReadTimeout(10_000);
        HTTPResponse response = request.send();
        return response.getStatusCode();
    }
}
