package dev.portico.aggregator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.aggregator.demo.DemoIdentityProvider.TokenRequestRecord;
import dev.portico.config.ClientAuthMethod;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo identity provider's machine grants: client credentials, and token exchange between two providers side by
 * side, A (where users sign in) and B (which trusts A's tokens as subject tokens).
 */
class DemoIdpMachineGrantsTest {

    private static final URI REPORTS = URI.create("http://127.0.0.1:2/mcp");
    private static final URI CALENDAR = URI.create("http://127.0.0.1:1/mcp");
    private static final String BOT = "reports-bot";
    private static final Secret BOT_SECRET = new Secret("bot-secret");

    private static DemoIdentityProvider a;
    private static DemoIdentityProvider b;
    private static DemoIdentityProvider untrusted;

    @BeforeAll
    static void start() {
        a = DemoIdentityProvider.builder().defaultSubject("alice").build().start();
        untrusted =
                DemoIdentityProvider.builder().defaultSubject("mallory").build().start();
        b = DemoIdentityProvider.builder().trustSubjectTokensFrom(a).build().start();
        for (DemoIdentityProvider idp : List.of(a, b)) {
            idp.registerClient(Client.confidential(
                    BOT,
                    dev.portico.config.Secret.of(BOT_SECRET.getValue()),
                    ClientAuthMethod.CLIENT_SECRET_BASIC,
                    List.of(DemoIdentityProviderTest.REDIRECT)));
        }
    }

    @AfterAll
    static void stop() {
        b.close();
        untrusted.close();
        a.close();
    }

    @Test
    void whenAConfidentialClientAsksWithItsCredentialsThenTheTokenNamesTheClient() throws Exception {
        HTTPResponse response =
                send(b, new ClientSecretBasic(new ClientID(BOT), BOT_SECRET), new ClientCredentialsGrant());

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JWTClaimsSet claims = claims(response);
        assertThat(claims.getSubject()).isEqualTo(BOT);
        assertThat(claims.getIssuer()).isEqualTo(b.issuer().toString());
        assertThat(claims.getAudience()).containsExactly(REPORTS.toString());
        assertThat(claims.getStringClaim("scope")).isEqualTo("reports.read");
        assertThat(b.tokenRequests())
                .contains(new TokenRequestRecord(
                        BOT,
                        ClientAuthMethod.CLIENT_SECRET_BASIC,
                        "client_credentials",
                        List.of(REPORTS.toString()),
                        200));
    }

    @Test
    void whenTheClientSecretIsWrongThenClientCredentialsAreRefused() throws Exception {
        HTTPResponse response =
                send(b, new ClientSecretBasic(new ClientID(BOT), new Secret("wrong")), new ClientCredentialsGrant());

        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_client");
    }

    @Test
    void whenAPublicClientAsksForClientCredentialsThenItIsUnauthorized() throws Exception {
        String publicClient = DemoIdentityProviderTest.publicClient(b);
        HTTPResponse response = sendPublic(b, new ClientID(publicClient));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBodyAsJSONObject().getAsString("error")).isEqualTo("unauthorized_client");
    }

    @Test
    void whenATokenOfTheTrustedProviderIsExchangedThenTheNewTokenKeepsTheUser() throws Exception {
        String subjectToken = DemoIdentityProviderTest.accessToken(a, CALENDAR);

        HTTPResponse response =
                send(b, new ClientSecretBasic(new ClientID(BOT), BOT_SECRET), exchangeGrant(subjectToken));

        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        JWTClaimsSet claims = claims(response);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getIssuer()).isEqualTo(b.issuer().toString());
        assertThat(claims.getAudience()).containsExactly(REPORTS.toString());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(BOT);
        assertThat(b.tokenRequests())
                .contains(new TokenRequestRecord(
                        BOT,
                        ClientAuthMethod.CLIENT_SECRET_BASIC,
                        "urn:ietf:params:oauth:grant-type:token-exchange",
                        List.of(REPORTS.toString()),
                        200));
    }

    @Test
    void whenTheSubjectTokenComesFromAnUntrustedProviderThenTheExchangeIsRefused() throws Exception {
        String foreign = DemoIdentityProviderTest.accessToken(untrusted, CALENDAR);

        HTTPResponse response = send(b, new ClientSecretBasic(new ClientID(BOT), BOT_SECRET), exchangeGrant(foreign));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_grant");
        assertThat(response.getBodyAsJSONObject().getAsString("error_description"))
                .contains("not from an issuer this identity provider trusts");
    }

    @Test
    void whenTheSubjectTokenClaimsTheTrustedIssuerButIsSignedElsewhereThenTheExchangeIsRefused() throws Exception {
        // A token of the untrusted provider, re-labelled with A's issuer, keeps the untrusted signature.
        SignedJWT real = SignedJWT.parse(DemoIdentityProviderTest.accessToken(untrusted, CALENDAR));
        String[] parts = real.serialize().split("\\.");
        JWTClaimsSet forgedClaims = new JWTClaimsSet.Builder(real.getJWTClaimsSet())
                .issuer(a.issuer().toString())
                .build();
        String forged =
                parts[0] + "." + com.nimbusds.jose.util.Base64URL.encode(forgedClaims.toString()) + "." + parts[2];

        HTTPResponse response = send(b, new ClientSecretBasic(new ClientID(BOT), BOT_SECRET), exchangeGrant(forged));

        assertThat(response.getStatusCode()).isEqualTo(400);
        assertThat(response.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_grant");
    }

    private static TokenExchangeGrant exchangeGrant(String subjectToken) {
        return new TokenExchangeGrant(new TypelessAccessToken(subjectToken), TokenTypeURI.ACCESS_TOKEN);
    }

    private static HTTPResponse send(DemoIdentityProvider idp, ClientSecretBasic client, AuthorizationGrant grant)
            throws IOException {
        return send(new TokenRequest.Builder(idp.tokenEndpoint(), client, grant)
                .resources(REPORTS)
                .scope(new Scope("reports.read"))
                .build());
    }

    /** Nimbus will not build a client credentials request without client authentication, so the form is by hand. */
    private static HTTPResponse sendPublic(DemoIdentityProvider idp, ClientID client) throws IOException {
        HTTPRequest http = new HTTPRequest(HTTPRequest.Method.POST, idp.tokenEndpoint());
        http.setEntityContentType(com.nimbusds.common.contenttype.ContentType.APPLICATION_URLENCODED);
        http.setBody("grant_type=client_credentials&client_id=" + client.getValue());
        http.setConnectTimeout(30_000);
        http.setReadTimeout(30_000);
        return http.send();
    }

    private static HTTPResponse send(TokenRequest request) throws IOException {
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(30_000);
        http.setReadTimeout(30_000);
        return http.send();
    }

    private static JWTClaimsSet claims(HTTPResponse response) throws Exception {
        return SignedJWT.parse(response.getBodyAsJSONObject().getAsString("access_token"))
                .getJWTClaimsSet();
    }
}
