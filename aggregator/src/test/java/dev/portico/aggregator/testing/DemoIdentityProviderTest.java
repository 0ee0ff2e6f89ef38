package dev.portico.aggregator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.aggregator.demo.DemoIdentityProvider.RevocationRecord;
import dev.portico.aggregator.demo.DemoIdentityProvider.TokenRequestRecord;
import dev.portico.cimd.ClientMetadataDocument;
import dev.portico.cimd.ClientMetadataServlet;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.OAuthConfig;
import dev.portico.config.Secret;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo identity provider against a real browser-like client and real token requests: metadata, dynamic
 * registration, the Client ID Metadata Document check, client authentication at the token endpoint, and what the
 * tokens say. Sign-ins are done by hand with Nimbus (PKCE S256, RFC 8707 resource), as Portico's broker does them.
 */
class DemoIdentityProviderTest {

    static final URI REDIRECT = URI.create("http://127.0.0.1:9/callback"); // never fetched: the browser stops before
    static final URI RESOURCE = URI.create("http://127.0.0.1:1/mcp");

    private static final int TIMEOUT_MILLIS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient http = HttpClient.newHttpClient();

    private static DemoIdentityProvider idp;
    private static DocumentHost documents;

    @BeforeAll
    static void start() throws Exception {
        idp = DemoIdentityProvider.builder().build().start();
        documents = new DocumentHost();
    }

    @AfterAll
    static void stop() throws Exception {
        idp.close();
        documents.close();
    }

    // ------------------------------------------------------------------ metadata

    @Test
    void whenMetadataFetchedThenItDescribesTheFrontAndTheMockKeys() throws Exception {
        assertThat(idp.metadataUrl().toString())
                .isEqualTo("http://127.0.0.1:" + idp.port() + "/.well-known/oauth-authorization-server/demo-idp");

        JsonNode metadata = getJson(idp.metadataUrl());

        assertThat(metadata.get("issuer").textValue())
                .isEqualTo(idp.issuer().toString())
                .isEqualTo("http://127.0.0.1:" + idp.port() + "/demo-idp");
        assertThat(metadata.get("authorization_endpoint").textValue()).isEqualTo(idp.issuer() + "/authorize");
        assertThat(metadata.get("token_endpoint").textValue()).isEqualTo(idp.issuer() + "/token");
        assertThat(metadata.get("registration_endpoint").textValue()).isEqualTo(idp.issuer() + "/register");
        assertThat(metadata.get("revocation_endpoint").textValue())
                .isEqualTo(idp.issuer() + "/revoke")
                .isEqualTo(idp.revocationEndpoint().orElseThrow().toString());
        assertThat(metadata.get("jwks_uri").textValue()).isEqualTo(idp.jwksUri().toString());
        assertThat(strings(metadata.get("code_challenge_methods_supported"))).containsExactly("S256");
        assertThat(metadata.get("client_id_metadata_document_supported").booleanValue())
                .isTrue();
        assertThat(metadata.get("authorization_response_iss_parameter_supported")
                        .booleanValue())
                .isTrue();
        assertThat(strings(metadata.get("response_types_supported"))).containsExactly("code");
        assertThat(strings(metadata.get("grant_types_supported")))
                .containsExactly(
                        "authorization_code",
                        "refresh_token",
                        "client_credentials",
                        "urn:ietf:params:oauth:grant-type:token-exchange");
        assertThat(strings(metadata.get("token_endpoint_auth_methods_supported")))
                .containsExactly("none", "client_secret_basic", "client_secret_post");
        assertThat(strings(metadata.get("scopes_supported"))).containsExactly("demo.read", "demo.write");
        assertThat(getJson(idp.jwksUri()).get("keys")).isNotEmpty();
    }

    @Test
    void whenOptionsOffThenMetadataOmitsThem() throws Exception {
        try (DemoIdentityProvider bare = DemoIdentityProvider.builder()
                .advertiseS256(false)
                .clientIdMetadataDocuments(false)
                .dynamicRegistration(false)
                .authorizationResponseIss(false)
                .revocation(false)
                .scopes(List.of("files"))
                .build()
                .start()) {
            JsonNode metadata = getJson(bare.metadataUrl());

            assertThat(metadata.has("code_challenge_methods_supported")).isFalse();
            assertThat(metadata.has("registration_endpoint")).isFalse();
            assertThat(metadata.has("revocation_endpoint")).isFalse();
            assertThat(bare.revocationEndpoint()).isEmpty();
            assertThat(metadata.has("authorization_response_iss_parameter_supported"))
                    .isFalse();
            assertThat(metadata.get("client_id_metadata_document_supported").booleanValue())
                    .isFalse();
            assertThat(strings(metadata.get("scopes_supported"))).containsExactly("files");
            assertThat(bare.registrationEndpoint()).isEmpty();
            // No endpoint there: Jetty answers 404 or, for a POST to an unmapped path, 405.
            assertThat(post(URI.create(bare.issuer() + "/register"), "{\"redirect_uris\":[\"" + REDIRECT + "\"]}")
                            .statusCode())
                    .isIn(404, 405);
            assertThat(bare.registrationCount()).isZero();
        }
    }

    // ----------------------------------------------------- dynamic registration

    @Test
    void whenPublicClientRegistersThenClientIdWithoutSecret() throws Exception {
        int before = idp.registrationCount();

        HttpResponse<String> response =
                register("{\"redirect_uris\":[\"" + REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
                        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"client_name\":\"Portico\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode client = JSON.readTree(response.body());
        assertThat(client.get("client_id").textValue()).startsWith("demo-");
        assertThat(client.has("client_secret")).isFalse();
        assertThat(client.get("token_endpoint_auth_method").textValue()).isEqualTo("none");
        assertThat(strings(client.get("redirect_uris"))).containsExactly(REDIRECT.toString());
        assertThat(client.get("client_name").textValue()).isEqualTo("Portico");
        assertThat(idp.registrationCount()).isEqualTo(before + 1);
        assertThat(idp.registeredClients())
                .extracting(Client::clientId)
                .contains(client.get("client_id").textValue());
    }

    @Test
    void whenNoAuthMethodRequestedThenClientSecretBasicWithASecret() throws Exception {
        JsonNode client = JSON.readTree(
                register("{\"redirect_uris\":[\"" + REDIRECT + "\"]}").body());

        assertThat(client.get("token_endpoint_auth_method").textValue()).isEqualTo("client_secret_basic");
        assertThat(client.get("client_secret").textValue()).isNotBlank();
        assertThat(client.get("client_secret_expires_at").intValue()).isZero();
    }

    @Test
    void whenRegisteredConfidentialClientSignsInThenItsSecretIsAccepted() throws Exception {
        JsonNode client = JSON.readTree(register("{\"redirect_uris\":[\"" + REDIRECT
                        + "\"],\"token_endpoint_auth_method\":\"client_secret_post\"}")
                .body());
        String clientId = client.get("client_id").textValue();
        Secret secret = Secret.of(client.get("client_secret").textValue());
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);

        HTTPResponse response =
                redeem(idp, new ClientSecretPost(new ClientID(clientId), secret(secret)), code, verifier, RESOURCE);

        assertThat(response.getStatusCode()).isEqualTo(200);
    }

    @Test
    void whenRegistrationLacksRedirectUrisThenInvalidRedirectUri() throws Exception {
        HttpResponse<String> response = register("{\"client_name\":\"no redirect\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").textValue()).isEqualTo("invalid_redirect_uri");
    }

    @Test
    void whenRegistrationIsNotJsonThenInvalidClientMetadata() throws Exception {
        HttpResponse<String> response = register("redirect_uris=" + REDIRECT);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").textValue()).isEqualTo("invalid_client_metadata");
    }

    // ------------------------------------------------------------ sign-in, tokens

    @Test
    void whenPublicClientSignsInThenTokenNamesResourceSubjectAndIssuer() throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        Browser browser = new Browser();
        URI authorizationUrl = authorizationUrl(idp, clientId, verifier, RESOURCE);

        Browser.Page page = browser.openUntil(authorizationUrl, DemoIdentityProviderTest::isRedirect);

        assertThat(page.visited()).containsExactly(authorizationUrl);
        AuthorizationResponse answer = AuthorizationResponse.parse(page.stoppedAt());
        assertThat(answer.indicatesSuccess()).isTrue();
        assertThat(answer.getIssuer().getValue()).isEqualTo(idp.issuer().toString());
        String code = answer.toSuccessResponse().getAuthorizationCode().getValue();

        HTTPResponse response = redeem(idp, new ClientID(clientId), code, verifier, RESOURCE);

        assertThat(response.getStatusCode()).isEqualTo(200);
        JWTClaimsSet claims = claims(response);
        assertThat(claims.getAudience()).containsExactly(RESOURCE.toString());
        assertThat(claims.getSubject()).isEqualTo(DemoIdentityProvider.DEFAULT_SUBJECT);
        assertThat(claims.getIssuer()).isEqualTo(idp.issuer().toString());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(clientId);
        assertThat(claims.getStringClaim("scope")).isEqualTo("demo.read");
        assertThat(idp.tokenRequests())
                .contains(new TokenRequestRecord(
                        clientId, ClientAuthMethod.NONE, "authorization_code", List.of(RESOURCE.toString()), 200));
    }

    @Test
    void whenSignInNextAsThenThatUserOnceThenTheDefault() throws Exception {
        idp.signInNextAs("bob");

        assertThat(signIn(idp, RESOURCE).getSubject()).isEqualTo("bob");
        assertThat(signIn(idp, RESOURCE).getSubject()).isEqualTo(DemoIdentityProvider.DEFAULT_SUBJECT);
    }

    @Test
    void whenRefreshedForAnotherResourceThenAudienceFollowsAndSubjectStays() throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        idp.signInNextAs("carol");
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);
        HTTPResponse first = redeem(idp, new ClientID(clientId), code, verifier, RESOURCE);
        String refreshToken = first.getBodyAsJSONObject().getAsString("refresh_token");
        URI other = URI.create("http://127.0.0.1:2/mcp");

        HTTPResponse refreshed = send(new TokenRequest.Builder(
                        idp.tokenEndpoint(),
                        new ClientID(clientId),
                        new RefreshTokenGrant(new RefreshToken(refreshToken)))
                .resource(other)
                .build());

        assertThat(refreshed.getStatusCode()).isEqualTo(200);
        assertThat(claims(refreshed).getAudience()).containsExactly(other.toString());
        assertThat(claims(refreshed).getSubject()).isEqualTo("carol");
    }

    @Test
    void whenPreRegisteredBasicClientThenSecretAndMethodAreChecked() throws Exception {
        String clientId = "confidential-" + UUID.randomUUID();
        Secret secret = Secret.of("s3cret-" + UUID.randomUUID());
        idp.registerClient(
                Client.confidential(clientId, secret, ClientAuthMethod.CLIENT_SECRET_BASIC, List.of(REDIRECT)));

        CodeVerifier v1 = new CodeVerifier();
        String asPost = authorize(idp, new Browser(), clientId, v1, RESOURCE);
        HTTPResponse viaPost =
                redeem(idp, new ClientSecretPost(new ClientID(clientId), secret(secret)), asPost, v1, RESOURCE);
        CodeVerifier v2 = new CodeVerifier();
        String wrong = authorize(idp, new Browser(), clientId, v2, RESOURCE);
        HTTPResponse wrongSecret = redeem(
                idp,
                new ClientSecretBasic(new ClientID(clientId), new com.nimbusds.oauth2.sdk.auth.Secret("nope")),
                wrong,
                v2,
                RESOURCE);
        HTTPResponse viaBasic =
                redeem(idp, new ClientSecretBasic(new ClientID(clientId), secret(secret)), wrong, v2, RESOURCE);

        assertThat(viaPost.getStatusCode()).isEqualTo(401);
        assertThat(viaPost.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_client");
        assertThat(wrongSecret.getStatusCode()).isEqualTo(401);
        assertThat(wrongSecret.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
        assertThat(viaBasic.getStatusCode()).isEqualTo(200);
        assertThat(idp.tokenRequests())
                .filteredOn(r -> r.clientId().equals(clientId))
                .extracting(TokenRequestRecord::authMethod, TokenRequestRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.CLIENT_SECRET_POST, 401),
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.CLIENT_SECRET_BASIC, 401),
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.CLIENT_SECRET_BASIC, 200));
        assertThat(idp.refusals()).noneMatch(line -> line.contains(secret.reveal()));
    }

    @Test
    void whenRedirectUriIsNotRegisteredThenRefusedWithoutRedirect() {
        String clientId = publicClient(idp);
        URI url = authorizationUrl(idp, clientId, new CodeVerifier(), RESOURCE, URI.create("http://127.0.0.1:9/evil"));

        Browser.Page page = new Browser().open(url);

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.visited()).containsExactly(url);
        assertThat(page.body()).contains("is not registered for client " + clientId);
    }

    @Test
    void whenPkceIsMissingThenRefused() {
        String clientId = publicClient(idp);
        URI url = URI.create(idp.authorizationEndpoint() + "?response_type=code&client_id=" + clientId
                + "&redirect_uri=" + REDIRECT + "&state=xyz");

        Browser.Page page = new Browser().open(url);

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("code_challenge is missing");
    }

    @Test
    void whenCodeRedeemedWithoutVerifierOrByAnotherClientThenInvalidGrant() throws Exception {
        String clientId = publicClient(idp);
        String otherClient = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);

        HTTPResponse withoutVerifier = send(new TokenRequest.Builder(
                        idp.tokenEndpoint(),
                        new ClientID(clientId),
                        new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT))
                .build());
        HTTPResponse byAnother = redeem(idp, new ClientID(otherClient), code, verifier, RESOURCE);
        HTTPResponse wrongVerifier = redeem(idp, new ClientID(clientId), code, new CodeVerifier(), RESOURCE);

        assertThat(withoutVerifier.getStatusCode()).isEqualTo(400);
        assertThat(withoutVerifier.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_grant");
        assertThat(byAnother.getStatusCode()).isEqualTo(400);
        assertThat(byAnother.getBodyAsJSONObject().getAsString("error_description"))
                .isEqualTo("the code was issued to another client");
        assertThat(wrongVerifier.getStatusCode()).isEqualTo(400);
    }

    // ------------------------------------------------- Client ID Metadata Documents

    @Test
    void whenClientIdIsAConsistentMetadataDocumentThenSignInAndTokenWork() throws Exception {
        ClientMetadataDocument document = documents.porticoDocument();
        String clientId = document.clientId().toString();
        CodeVerifier verifier = new CodeVerifier();
        URI url = authorizationUrl(idp, clientId, verifier, RESOURCE, document.redirectUri());

        Browser.Page page = new Browser().openUntil(url, target -> target.toString()
                .startsWith(document.redirectUri().toString()));
        String code = AuthorizationResponse.parse(page.stoppedAt())
                .toSuccessResponse()
                .getAuthorizationCode()
                .getValue();
        HTTPResponse response = send(new TokenRequest.Builder(
                        idp.tokenEndpoint(),
                        new ClientID(clientId),
                        new AuthorizationCodeGrant(new AuthorizationCode(code), document.redirectUri(), verifier))
                .resource(RESOURCE)
                .build());

        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(claims(response).getStringClaim("client_id")).isEqualTo(clientId);
        assertThat(idp.metadataDocumentClients()).contains(clientId);
    }

    @Test
    void whenMetadataDocumentLacksTheRedirectUriThenRefusedWithReason() {
        ClientMetadataDocument document = documents.porticoDocument();
        URI elsewhere = URI.create(documents.base() + "/elsewhere");
        URI url = authorizationUrl(idp, document.clientId().toString(), new CodeVerifier(), RESOURCE, elsewhere);

        Browser.Page page = new Browser().open(url);

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.visited()).containsExactly(url);
        assertThat(page.body()).contains("redirect_uris does not contain").contains(elsewhere.toString());
        assertThat(idp.refusals()).anyMatch(line -> line.contains("does not admit this request"));
    }

    @Test
    void whenMetadataDocumentNamesAnotherClientIdThenRefused() {
        URI documentUrl = documents.serve(
                "/mismatch.json",
                base -> "{\"client_id\":\"" + base + "/other.json\"," + "\"redirect_uris\":[\"" + REDIRECT
                        + "\"],\"token_endpoint_auth_method\":\"none\"}");

        Browser.Page page = new Browser()
                .open(authorizationUrl(idp, documentUrl.toString(), new CodeVerifier(), RESOURCE, REDIRECT));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("differs from the URL the document is served from");
    }

    @Test
    void whenMetadataDocumentIsMissingThenRefused() {
        URI missing = URI.create(documents.base() + "/absent.json");

        Browser.Page page =
                new Browser().open(authorizationUrl(idp, missing.toString(), new CodeVerifier(), RESOURCE, REDIRECT));

        assertThat(page.status()).isEqualTo(400);
        assertThat(page.body()).contains("answered HTTP 404 instead of 200");
    }

    @Test
    void whenMetadataDocumentsAreNotSupportedThenUrlClientIdIsRefused() {
        try (DemoIdentityProvider noCimd = DemoIdentityProvider.builder()
                .clientIdMetadataDocuments(false)
                .build()
                .start()) {
            ClientMetadataDocument document = documents.porticoDocument();

            Browser.Page page = new Browser()
                    .open(authorizationUrl(
                            noCimd,
                            document.clientId().toString(),
                            new CodeVerifier(),
                            RESOURCE,
                            document.redirectUri()));

            assertThat(page.status()).isEqualTo(400);
            assertThat(page.body()).contains("does not support Client ID Metadata Documents");
        }
    }

    // ---------------------------------------------------------------- revocation

    @Test
    void whenRefreshTokenRevokedByItsClientThenRefreshIsRefusedWithInvalidGrant() throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);
        String refreshToken = redeem(idp, new ClientID(clientId), code, verifier, RESOURCE)
                .getBodyAsJSONObject()
                .getAsString("refresh_token");

        HTTPResponse revoked = revoke(new TokenRevocationRequest(
                idp.revocationEndpoint().orElseThrow(), new ClientID(clientId), new RefreshToken(refreshToken)));
        HTTPResponse refreshed = send(new TokenRequest.Builder(
                        idp.tokenEndpoint(),
                        new ClientID(clientId),
                        new RefreshTokenGrant(new RefreshToken(refreshToken)))
                .build());

        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(refreshed.getStatusCode()).isEqualTo(400);
        assertThat(refreshed.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_grant");
        assertThat(idp.revocations())
                .filteredOn(r -> r.clientId().equals(clientId))
                .containsExactly(new RevocationRecord(
                        clientId,
                        ClientAuthMethod.NONE,
                        Optional.of("refresh_token"),
                        RevocationRecord.REFRESH_TOKEN,
                        200));
    }

    @Test
    void whenAccessTokenRevokedThenOnlyItsOwnClientCanAndItIsReportedRevoked() throws Exception {
        String token = accessToken(idp, RESOURCE);
        String clientId = SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("client_id");
        String stranger = publicClient(idp);
        URI endpoint = idp.revocationEndpoint().orElseThrow();

        HTTPResponse byStranger =
                revoke(new TokenRevocationRequest(endpoint, new ClientID(stranger), new BearerAccessToken(token)));
        boolean revokedByStranger = idp.isRevoked(token);
        HTTPResponse byOwner =
                revoke(new TokenRevocationRequest(endpoint, new ClientID(clientId), new BearerAccessToken(token)));
        HTTPResponse unknown = revoke(
                new TokenRevocationRequest(endpoint, new ClientID(clientId), new BearerAccessToken("not-a-token")));

        assertThat(byStranger.getStatusCode()).isEqualTo(400);
        assertThat(byStranger.getBodyAsJSONObject().getAsString("error")).isEqualTo("unauthorized_client");
        assertThat(revokedByStranger).isFalse();
        assertThat(byOwner.getStatusCode()).isEqualTo(200);
        assertThat(idp.isRevoked(token)).isTrue();
        assertThat(unknown.getStatusCode()).isEqualTo(200);
        assertThat(idp.revocations())
                .filteredOn(r -> r.clientId().equals(clientId))
                .extracting(RevocationRecord::tokenKind, RevocationRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(RevocationRecord.ACCESS_TOKEN, 200),
                        org.assertj.core.groups.Tuple.tuple(RevocationRecord.UNKNOWN, 200));
    }

    @Test
    void whenConfidentialClientRevokesThenItAuthenticatesAsAtTheTokenEndpoint() throws Exception {
        String clientId = "confidential-" + UUID.randomUUID();
        Secret secret = Secret.of("s3cret-" + UUID.randomUUID());
        idp.registerClient(
                Client.confidential(clientId, secret, ClientAuthMethod.CLIENT_SECRET_BASIC, List.of(REDIRECT)));
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);
        String refreshToken = redeem(
                        idp, new ClientSecretBasic(new ClientID(clientId), secret(secret)), code, verifier, RESOURCE)
                .getBodyAsJSONObject()
                .getAsString("refresh_token");
        URI endpoint = idp.revocationEndpoint().orElseThrow();

        HTTPResponse wrongSecret = revoke(new TokenRevocationRequest(
                endpoint,
                new ClientSecretBasic(new ClientID(clientId), new com.nimbusds.oauth2.sdk.auth.Secret("nope")),
                new RefreshToken(refreshToken)));
        HTTPResponse asPublic =
                revoke(new TokenRevocationRequest(endpoint, new ClientID(clientId), new RefreshToken(refreshToken)));
        HTTPResponse authenticated = revoke(new TokenRevocationRequest(
                endpoint,
                new ClientSecretBasic(new ClientID(clientId), secret(secret)),
                new RefreshToken(refreshToken)));

        assertThat(wrongSecret.getStatusCode()).isEqualTo(401);
        assertThat(wrongSecret.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_client");
        assertThat(asPublic.getStatusCode()).isEqualTo(401);
        assertThat(authenticated.getStatusCode()).isEqualTo(200);
        assertThat(idp.revocations())
                .filteredOn(r -> r.clientId().equals(clientId))
                .extracting(RevocationRecord::authMethod, RevocationRecord::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.CLIENT_SECRET_BASIC, 401),
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.NONE, 401),
                        org.assertj.core.groups.Tuple.tuple(ClientAuthMethod.CLIENT_SECRET_BASIC, 200));
        assertThat(idp.refusals()).noneMatch(line -> line.contains(secret.reveal()) || line.contains(refreshToken));
    }

    @Test
    void whenTokensAreIssuedThenTheResponseNamesTheGrantedScope() throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, RESOURCE);

        HTTPResponse response = redeem(idp, new ClientID(clientId), code, verifier, RESOURCE);

        assertThat(response.getBodyAsJSONObject().getAsString("scope")).isEqualTo("demo.read");
        assertThat(claims(response).getStringClaim("scope")).isEqualTo("demo.read");
    }

    @Test
    void whenAScopeIsWithheldThenTheTokenAndTheResponseLackIt() throws Exception {
        try (DemoIdentityProvider strict = DemoIdentityProvider.builder()
                .withholdScope("demo.admin")
                .build()
                .start()) {
            String clientId = publicClient(strict);
            CodeVerifier verifier = new CodeVerifier();
            URI asksForAdmin = URI.create(authorizationUrl(strict, clientId, verifier, RESOURCE)
                    .toString()
                    .replace("scope=demo.read", "scope=demo.read+demo.admin"));
            Browser.Page page = new Browser().openUntil(asksForAdmin, DemoIdentityProviderTest::isRedirect);
            String code = AuthorizationResponse.parse(page.stoppedAt())
                    .toSuccessResponse()
                    .getAuthorizationCode()
                    .getValue();

            HTTPResponse response = redeem(strict, new ClientID(clientId), code, verifier, RESOURCE);

            assertThat(response.getStatusCode()).isEqualTo(200);
            assertThat(response.getBodyAsJSONObject().getAsString("scope")).isEqualTo("demo.read");
            assertThat(claims(response).getStringClaim("scope")).isEqualTo("demo.read");
        }
    }

    @Test
    void whenRefreshTokensAreForgottenThenRefreshingIsRefusedWithInvalidGrant() throws Exception {
        try (DemoIdentityProvider forgetful =
                DemoIdentityProvider.builder().build().start()) {
            String clientId = publicClient(forgetful);
            CodeVerifier verifier = new CodeVerifier();
            String code = authorize(forgetful, new Browser(), clientId, verifier, RESOURCE);
            String refreshToken = redeem(forgetful, new ClientID(clientId), code, verifier, RESOURCE)
                    .getBodyAsJSONObject()
                    .getAsString("refresh_token");
            TokenRequest refresh = new TokenRequest.Builder(
                            forgetful.tokenEndpoint(),
                            new ClientID(clientId),
                            new RefreshTokenGrant(new RefreshToken(refreshToken)))
                    .resource(RESOURCE)
                    .build();
            assertThat(send(refresh).getStatusCode()).isEqualTo(200);

            forgetful.forgetRefreshTokens();
            HTTPResponse refused = send(refresh);

            assertThat(refused.getStatusCode()).isEqualTo(400);
            assertThat(refused.getBodyAsJSONObject().getAsString("error")).isEqualTo("invalid_grant");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static HTTPResponse revoke(TokenRevocationRequest request) throws IOException {
        HTTPRequest httpRequest = request.toHTTPRequest();
        httpRequest.setConnectTimeout(TIMEOUT_MILLIS);
        httpRequest.setReadTimeout(TIMEOUT_MILLIS);
        return httpRequest.send();
    }

    /** Registers a fresh public client for {@link #REDIRECT} and returns its id. */
    static String publicClient(DemoIdentityProvider idp) {
        String clientId = "public-" + UUID.randomUUID();
        idp.registerClient(Client.publicClient(clientId, List.of(REDIRECT)));
        return clientId;
    }

    /** A whole sign-in by a fresh public client: the access token's claims. */
    static JWTClaimsSet signIn(DemoIdentityProvider idp, URI resource) throws Exception {
        return SignedJWT.parse(accessToken(idp, resource)).getJWTClaimsSet();
    }

    /** A whole sign-in by a fresh public client, for {@code resource}: the access token. */
    static String accessToken(DemoIdentityProvider idp, URI resource) throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        String code = authorize(idp, new Browser(), clientId, verifier, resource);
        HTTPResponse response = redeem(idp, new ClientID(clientId), code, verifier, resource);
        assertThat(response.getStatusCode()).as(response.getBody()).isEqualTo(200);
        return response.getBodyAsJSONObject().getAsString("access_token");
    }

    static URI authorizationUrl(DemoIdentityProvider idp, String clientId, CodeVerifier verifier, URI resource) {
        return authorizationUrl(idp, clientId, verifier, resource, REDIRECT);
    }

    static URI authorizationUrl(
            DemoIdentityProvider idp, String clientId, CodeVerifier verifier, URI resource, URI redirect) {
        return new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
                .endpointURI(idp.authorizationEndpoint())
                .redirectionURI(redirect)
                .scope(new Scope("demo.read"))
                .state(new State())
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .resource(resource)
                .build()
                .toURI();
    }

    /** The browser's part: the authorization request, up to the redirect to {@link #REDIRECT}; the code. */
    static String authorize(
            DemoIdentityProvider idp, Browser browser, String clientId, CodeVerifier verifier, URI resource)
            throws Exception {
        Browser.Page page = browser.openUntil(
                authorizationUrl(idp, clientId, verifier, resource), DemoIdentityProviderTest::isRedirect);
        return AuthorizationResponse.parse(page.stoppedAt())
                .toSuccessResponse()
                .getAuthorizationCode()
                .getValue();
    }

    static HTTPResponse redeem(
            DemoIdentityProvider idp, ClientID publicClient, String code, CodeVerifier verifier, URI resource)
            throws Exception {
        return send(new TokenRequest.Builder(idp.tokenEndpoint(), publicClient, codeGrant(code, verifier))
                .resource(resource)
                .build());
    }

    static HTTPResponse redeem(
            DemoIdentityProvider idp, ClientAuthentication client, String code, CodeVerifier verifier, URI resource)
            throws Exception {
        return send(new TokenRequest.Builder(idp.tokenEndpoint(), client, codeGrant(code, verifier))
                .resource(resource)
                .build());
    }

    private static AuthorizationGrant codeGrant(String code, CodeVerifier verifier) {
        return new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT, verifier);
    }

    private static HTTPResponse send(TokenRequest request) throws IOException {
        HTTPRequest httpRequest = request.toHTTPRequest();
        httpRequest.setConnectTimeout(TIMEOUT_MILLIS);
        httpRequest.setReadTimeout(TIMEOUT_MILLIS);
        return httpRequest.send();
    }

    private static JWTClaimsSet claims(HTTPResponse tokenResponse) throws Exception {
        return SignedJWT.parse(tokenResponse.getBodyAsJSONObject().getAsString("access_token"))
                .getJWTClaimsSet();
    }

    private static com.nimbusds.oauth2.sdk.auth.Secret secret(Secret secret) {
        return new com.nimbusds.oauth2.sdk.auth.Secret(secret.reveal());
    }

    private static boolean isRedirect(URI target) {
        return target.toString().startsWith(REDIRECT.toString());
    }

    private static HttpResponse<String> register(String json) throws Exception {
        return post(idp.registrationEndpoint().orElseThrow(), json);
    }

    private static HttpResponse<String> post(URI url, String json) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode getJson(URI url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofMillis(TIMEOUT_MILLIS))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url.toString()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::textValue)
                .toList();
    }

    /** A loopback web server for Client ID Metadata Documents: Portico's own (through its servlet) or any JSON. */
    static final class DocumentHost implements AutoCloseable {

        private final Server jetty = new Server();
        private final Map<String, String> bodies = new ConcurrentHashMap<>();
        private final URI base;
        private final ClientMetadataDocument portico;

        DocumentHost() throws Exception {
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            jetty.setHandler(context);
            jetty.start();
            base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
            portico = ClientMetadataDocument.from(OAuthConfig.defaults(), base);
            context.addServlet(new ServletHolder(new ClientMetadataServlet(portico)), OAuthConfig.DEFAULT_CIMD_PATH);
            context.addServlet(
                    new ServletHolder(new HttpServlet() {
                        @Override
                        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                                throws IOException {
                            String body = bodies.get(request.getRequestURI());
                            if (body == null) {
                                response.sendError(404);
                                return;
                            }
                            response.setContentType("application/json");
                            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
                        }
                    }),
                    "/*");
        }

        URI base() {
            return base;
        }

        ClientMetadataDocument porticoDocument() {
            return portico;
        }

        /** Serves the JSON {@code body} (given this host's base URL) at {@code path}; returns its URL. */
        URI serve(String path, java.util.function.Function<URI, String> body) {
            bodies.put(path, body.apply(base));
            return URI.create(base + path);
        }

        @Override
        public void close() throws Exception {
            jetty.stop();
        }
    }
}
