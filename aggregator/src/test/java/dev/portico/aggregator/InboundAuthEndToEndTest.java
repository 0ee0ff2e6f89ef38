package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code server.auth} on loopback: mock-oauth2-server issues the users' tokens, an SDK client presents them to a real
 * Portico, and what a client without a valid token gets is read off the wire.
 */
class InboundAuthEndToEndTest {

    private static final String USERS = InboundIssuer.ISSUER_ID;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final InboundIssuer issuer = new InboundIssuer();
    private final MockOAuth2Server users = issuer.server;
    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
        issuer.close();
    }

    private Portico startPortico(String extraAuthYaml) throws Exception {
        world = new SignInWorld(idp -> {});
        world.serverYaml(issuer.serverYaml(extraAuthYaml));
        return world.startPortico();
    }

    private String issuer() {
        return issuer.issuer();
    }

    private static String mcpUrl(Portico portico) {
        return InboundIssuer.mcpUrl(portico);
    }

    private String tokenFor(Portico portico, String subject) {
        return issuer.tokenFor(portico, subject);
    }

    @Test
    void whenNoTokenIsSentThen401NamesTheMetadataWhichNamesTheIssuer() throws Exception {
        Portico portico = startPortico("");

        HttpResponse<String> refused = postInitialize(portico, null);

        assertThat(refused.statusCode()).isEqualTo(401);
        URI metadataUrl = URI.create(portico.baseUri() + "/.well-known/oauth-protected-resource/mcp");
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer resource_metadata=\"" + metadataUrl + "\"");
        assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("unauthorized");

        HttpResponse<String> metadata = get(metadataUrl);
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.headers().firstValue("Cache-Control"))
                .hasValueSatisfying(v -> assertThat(v).contains("max-age"));
        JsonNode document = JSON.readTree(metadata.body());
        assertThat(document.path("resource").asText()).isEqualTo(mcpUrl(portico));
        assertThat(document.path("authorization_servers").get(0).asText()).isEqualTo(issuer());
        assertThat(document.path("bearer_methods_supported").get(0).asText()).isEqualTo("header");
        assertThat(document.has("scopes_supported")).isFalse();
    }

    @Test
    void whenTheLegacyStreamIsOpenedWithoutATokenThen401NamesItsOwnMetadata() throws Exception {
        Portico portico = startPortico("requiredScopes: [mcp]");

        HttpResponse<String> refused = http.send(
                HttpRequest.newBuilder(URI.create(portico.baseUri() + "/sse"))
                        .header("Accept", "text/event-stream")
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(401);
        URI metadataUrl = URI.create(portico.baseUri() + "/.well-known/oauth-protected-resource/sse");
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .contains("Bearer resource_metadata=\"" + metadataUrl + "\", scope=\"mcp\"");
        JsonNode document = JSON.readTree(get(metadataUrl).body());
        assertThat(document.path("resource").asText()).isEqualTo(portico.baseUri() + "/sse");
        assertThat(document.path("scopes_supported").get(0).asText()).isEqualTo("mcp");
        assertThat(get(URI.create(portico.baseUri() + "/.well-known/oauth-protected-resource"))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void whenAValidTokenIsSentThenToolsWork() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.serverYaml(issuer.serverYaml(""));
        Portico portico = world.startPortico();

        SignInWorld.Session session = world.session(portico, tokenFor(portico, "alice"));

        assertThat(session.toolNames()).contains("calendar__whoami", "portico__auth_status");
    }

    @Test
    void whenTheTokenHasExpiredThen401InvalidToken() throws Exception {
        Portico portico = startPortico("");
        String expired = users.issueToken(USERS, "alice", mcpUrl(portico), Map.of(), -600)
                .serialize();

        assertRefused(portico, expired, "the token has expired");
    }

    @Test
    void whenTheTokenIsForAnotherAudienceThen401InvalidToken() throws Exception {
        Portico portico = startPortico("");
        String forElsewhere = users.issueToken(USERS, "alice", "https://other.example.com/mcp")
                .serialize();

        assertRefused(portico, forElsewhere, "the token is for another audience");
    }

    @Test
    void whenTheTokenIsFromAnotherIssuerThen401InvalidToken() throws Exception {
        Portico portico = startPortico("");
        String otherIssuer =
                users.issueToken("someone-else", "alice", mcpUrl(portico)).serialize();

        HttpResponse<String> refused = postInitialize(portico, otherIssuer);

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).contains("error=\"invalid_token\""));
    }

    @Test
    void whenTheSignatureDoesNotMatchThePayloadThen401InvalidToken() throws Exception {
        Portico portico = startPortico("");
        String[] parts = tokenFor(portico, "alice").split("\\.");
        String forged = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"alice\"", "\"mallory\"")
                        .getBytes(StandardCharsets.UTF_8));

        assertRefused(portico, parts[0] + "." + forged + "." + parts[2], "the token's signature is invalid");
    }

    @Test
    void whenTheTokenIsSignedWithAKeyTheIssuerDoesNotPublishThen401InvalidToken() throws Exception {
        Portico portico = startPortico("");
        assertThat(postInitialize(portico, tokenFor(portico, "alice")).statusCode())
                .as("a valid token first, so the key set is cached")
                .isEqualTo(200);
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("not-published").generate();
        SignedJWT token = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("not-published").build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer())
                        .audience(mcpUrl(portico))
                        .subject("alice")
                        .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                        .build());
        token.sign(new RSASSASigner(stranger));

        assertRefused(portico, token.serialize(), "no key of the identity provider matches the token's signature");
    }

    @Test
    void whenARequiredScopeIsMissingThen403InsufficientScope() throws Exception {
        Portico portico = startPortico("requiredScopes: [mcp]");

        HttpResponse<String> refused = postInitialize(portico, tokenFor(portico, "alice"));

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(h -> assertThat(h).contains("error=\"insufficient_scope\"", "scope=\"mcp\""));
        String withScope = users.issueToken(USERS, "alice", mcpUrl(portico), Map.of("scope", "mcp other"), 600)
                .serialize();
        assertThat(postInitialize(portico, withScope).statusCode()).isEqualTo(200);
    }

    @Test
    void whenTheTokenIsNotAJwtThen401AndTheTokenIsNotEchoed() throws Exception {
        Portico portico = startPortico("");

        HttpResponse<String> refused = postInitialize(portico, "opaque-secret-value");

        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).doesNotContain("opaque-secret-value").doesNotContain("\tat ");
        assertThat(JSON.readTree(refused.body()).path("error_description").asText())
                .isEqualTo("the token is not a JWT");
    }

    @Test
    void whenTheSdkClientHasNoTokenThenItCannotConnect() throws Exception {
        Portico portico = startPortico("");

        assertThatThrownBy(() -> world.session(portico)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void whenServerAuthIsConfiguredWithStdioThenPorticoRefusesToStartAndSaysWhy() {
        PorticoConfig config = new ConfigLoader(name -> null)
                .parse("server:\n" + issuer.serverYaml("").indent(2), "stdio.yaml");

        assertThatThrownBy(() -> Portico.startStdio(
                        config, new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), url -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("server.auth does not apply with --stdio: a stdio client is the user who started Portico;"
                        + " remove server.auth from stdio.yaml or serve over HTTP");
    }

    private void assertRefused(Portico portico, String token, String description) throws Exception {
        HttpResponse<String> refused = postInitialize(portico, token);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(h -> assertThat(h)
                .startsWith("Bearer resource_metadata=\"" + portico.baseUri()
                        + "/.well-known/oauth-protected-resource/mcp\"")
                .contains("error=\"invalid_token\"", "error_description=\"" + description + "\""));
        JsonNode body = JSON.readTree(refused.body());
        assertThat(body.path("error").asText()).isEqualTo("invalid_token");
        assertThat(body.path("error_description").asText()).isEqualTo(description);
    }

    static String initializeBody() {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    }

    private HttpResponse<String> postInitialize(Portico portico, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mcpUrl(portico)))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(initializeBody()));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
