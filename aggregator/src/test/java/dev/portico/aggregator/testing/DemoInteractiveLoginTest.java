package dev.portico.aggregator.testing;

import static dev.portico.aggregator.testing.DemoIdentityProviderTest.REDIRECT;
import static dev.portico.aggregator.testing.DemoIdentityProviderTest.RESOURCE;
import static dev.portico.aggregator.testing.DemoIdentityProviderTest.authorizationUrl;
import static dev.portico.aggregator.testing.DemoIdentityProviderTest.publicClient;
import static dev.portico.aggregator.testing.DemoIdentityProviderTest.redeem;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.portico.aggregator.demo.DemoIdentityProvider;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo identity provider with {@code interactiveLogin(true)}: the authorization endpoint shows the mock's login
 * page, the posted form signs in the user typed in, and the front's checks apply to the post as to the GET.
 */
class DemoInteractiveLoginTest {

    private static final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private static DemoIdentityProvider idp;

    @BeforeAll
    static void start() {
        idp = DemoIdentityProvider.builder().interactiveLogin(true).build().start();
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void whenAuthorizationRequestIsValidThenTheLoginPageIsShownAndNoCodeIssued() throws Exception {
        URI authorizationUrl = authorizationUrl(idp, publicClient(idp), new CodeVerifier(), RESOURCE);

        HttpResponse<String> page = get(authorizationUrl);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(page.body()).contains("<form method=\"post\">").contains("name=\"username\"");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
        assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(page.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void whenTheFormIsPostedThenTheTokenNamesTheUserTypedIn() throws Exception {
        String clientId = publicClient(idp);
        CodeVerifier verifier = new CodeVerifier();
        URI authorizationUrl = authorizationUrl(idp, clientId, verifier, RESOURCE);

        HttpResponse<String> posted = post(authorizationUrl, "username=" + encode(" alice.login ") + "&claims=");

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(302);
        URI location = URI.create(posted.headers().firstValue("Location").orElseThrow());
        assertThat(location.toString()).startsWith(REDIRECT.toString());
        AuthorizationResponse answer = AuthorizationResponse.parse(location);
        assertThat(answer.indicatesSuccess()).isTrue();
        assertThat(answer.getIssuer().getValue()).isEqualTo(idp.issuer().toString());
        String code = answer.toSuccessResponse().getAuthorizationCode().getValue();

        HTTPResponse token = redeem(idp, new ClientID(clientId), code, verifier, RESOURCE);

        assertThat(token.getStatusCode()).as(token.getBody()).isEqualTo(200);
        JWTClaimsSet claims = SignedJWT.parse(token.getBodyAsJSONObject().getAsString("access_token"))
                .getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("alice.login");
        assertThat(claims.getAudience()).containsExactly(RESOURCE.toString());
        assertThat(claims.getIssuer()).isEqualTo(idp.issuer().toString());
        assertThat(claims.getStringClaim("client_id")).isEqualTo(clientId);
        assertThat(claims.getStringClaim("scope")).isEqualTo("demo.read");
    }

    @Test
    void whenThePostedRequestFailsTheChecksThenRefusedWithoutRedirect() throws Exception {
        String clientId = publicClient(idp);
        URI elsewhere = URI.create("http://127.0.0.1:9/elsewhere");
        URI wrongRedirect = authorizationUrl(idp, clientId, new CodeVerifier(), RESOURCE, elsewhere);
        URI good = authorizationUrl(idp, clientId, new CodeVerifier(), RESOURCE);
        URI withoutPkce = URI.create(good.toString().replaceAll("&?code_challenge(_method)?=[^&]*", ""));

        List<HttpResponse<String>> answers = List.of(
                post(wrongRedirect, "username=mallory"),
                post(withoutPkce, "username=mallory"),
                post(good, "username=++"),
                post(good, "username=mallory&claims=" + encode("{\"client_id\":\"other\"}")));

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.headers().firstValue("Location")).isEmpty();
        });
        assertThat(answers.get(0).body()).contains("is not registered for client");
        assertThat(answers.get(1).body()).contains("PKCE is required");
        assertThat(answers.get(2).body()).contains("username is missing");
        assertThat(answers.get(3).body()).contains("leave the claims field empty");
    }

    @Test
    void whenInteractiveLoginIsOffThenPostIsNotAllowedAndGetApprovesAtOnce() throws Exception {
        try (DemoIdentityProvider plain = DemoIdentityProvider.builder().build().start()) {
            URI authorizationUrl = authorizationUrl(plain, publicClient(plain), new CodeVerifier(), RESOURCE);

            HttpResponse<String> posted = post(authorizationUrl, "username=mallory");
            HttpResponse<String> got = get(authorizationUrl);

            assertThat(posted.statusCode()).isEqualTo(405);
            assertThat(posted.headers().firstValue("Allow")).hasValue("GET");
            assertThat(got.statusCode()).isEqualTo(302);
        }
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(URI url, String form) throws Exception {
        return http.send(
                HttpRequest.newBuilder(url)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
