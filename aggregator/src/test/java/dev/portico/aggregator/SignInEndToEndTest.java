package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static dev.portico.aggregator.SignInWorld.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Browser;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole challenge flow with real parts on loopback: an SDK client calls through Portico, a protected upstream
 * answers 401, the client gets Portico's start link, a browser follows it through the identity provider back to
 * Portico's callback, and the retried call reaches the upstream as the signed-in user.
 */
@OAuthEndToEnd
class SignInEndToEndTest {

    private static final Duration SIGN_IN_SETTLES = Duration.ofSeconds(20);

    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void whenUpstreamRefusesTheConnectionThenItsSignInToolAndStatusShowAndSignInBringsItsTools() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__authenticate"));
        assertThat(session.toolNames()).contains("portico__auth_status").doesNotContain("calendar__whoami");
        assertThat(statusOf(session, "calendar")).isEqualTo("auth_required");

        McpSchema.CallToolResult challenge = session.call("calendar__authenticate");
        assertThat(challenge.isError()).isTrue();
        assertThat(challenge.structuredContent())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("status", "auth_required")
                .containsEntry("server", "calendar")
                .containsKeys("auth_url", "message");
        URI link = authUrl(challenge);
        assertThat(link.toString()).startsWith(world.portico.baseUri() + "/oauth/start/");
        assertThat(link.getRawQuery())
                .as("the link carries nothing but an opaque id")
                .isNull();

        Browser.Page page = signIn(new Browser(), challenge);

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in to calendar");
        assertThat(page.visited())
                .anyMatch(url -> url.toString().startsWith(world.idp.issuer().toString()));
        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));
        assertThat(session.toolNames()).doesNotContain("calendar__authenticate");
        assertThat(session.toolChanges()).isNotEmpty();
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("demo-user");
        assertThat(statusOf(session, "calendar")).isEqualTo("connected");
    }

    @Test
    void whenToolCallIsRefusedThenTheCallReturnsTheChallengeAndTheRetrySucceeds() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        SignInWorld.Session session = world.session();
        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));

        McpSchema.CallToolResult challenge = session.call("calendar__whoami");

        assertThat(challenge.isError()).isTrue();
        assertThat(signIn(new Browser(), challenge).status()).isEqualTo(200);
        // While the upstream reconnects with the token its tools are briefly withdrawn: -32602 until they are back.
        await().atMost(SIGN_IN_SETTLES)
                .ignoreExceptionsInstanceOf(McpError.class)
                .until(() ->
                        !Boolean.TRUE.equals(session.call("calendar__whoami").isError()));
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("hello demo-user");
    }

    @Test
    void whenTheTokenIsRevokedLaterThenTheNextCallReturnsANewChallenge() throws Exception {
        world = new SignInWorld(idp -> {});
        ProtectedDemoUpstream calendar = world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");

        calendar.revokeAll();
        world.idp.forgetRefreshTokens(); // else Portico renews the token without asking the user
        McpSchema.CallToolResult challenge = session.call("calendar__whoami");

        assertThat(authUrl(challenge)).isNotNull();
        assertThat(signIn(new Browser(), challenge).status()).isEqualTo(200);
        await().atMost(SIGN_IN_SETTLES)
                .until(() ->
                        !Boolean.TRUE.equals(session.call("calendar__whoami").isError()));
    }

    @Test
    void whenTheServerSupportsMetadataDocumentsThenPorticoIsKnownByItsDocumentUrl() throws Exception {
        world = new SignInWorld(idp -> idp.clientIdMetadataDocuments(true).dynamicRegistration(false));
        world.upstream("calendar", u -> {});
        world.startPortico();

        world.session().signedInTo("calendar");

        assertThat(world.idp.metadataDocumentClients())
                .containsExactly(world.portico.baseUri() + "/.well-known/oauth-client.json");
        assertThat(world.idp.registrationCount()).isZero();
    }

    @Test
    void whenTheServerLacksMetadataDocumentsThenPorticoRegistersOnceAndReusesIt() throws Exception {
        world = new SignInWorld(idp -> idp.clientIdMetadataDocuments(false).dynamicRegistration(true));
        world.upstream("calendar", u -> {});
        world.startPortico();

        world.session().signedInTo("calendar");
        world.session().signedInTo("calendar");

        assertThat(world.idp.registrationCount()).isEqualTo(1);
        assertThat(world.idp.metadataDocumentClients()).isEmpty();
    }

    @Test
    void whenAClientIsConfiguredWithBasicAuthenticationThenItsSecretGoesInTheHeader() throws Exception {
        assertConfiguredClientWorks(ClientAuthMethod.CLIENT_SECRET_BASIC);
    }

    @Test
    void whenAClientIsConfiguredWithPostAuthenticationThenItsSecretGoesInTheForm() throws Exception {
        assertConfiguredClientWorks(ClientAuthMethod.CLIENT_SECRET_POST);
    }

    private void assertConfiguredClientWorks(ClientAuthMethod method) throws Exception {
        world = new SignInWorld(idp -> idp.clientIdMetadataDocuments(false).dynamicRegistration(false));
        world.upstream("calendar", u -> {});
        // The redirect URI is known once Portico listens; register the client for any port by registering it after.
        world.startPortico(
                Map.of(
                        "calendar",
                        """
                        clientId: portico-calendar
                        clientSecret: s3cret-value
                        tokenEndpointAuthMethod: %s
                        """
                                .formatted(method.configName())),
                "");
        world.idp.registerClient(DemoIdentityProvider.Client.confidential(
                "portico-calendar",
                Secret.of("s3cret-value"),
                method,
                List.of(URI.create(world.portico.baseUri() + "/oauth/callback"))));

        world.session().signedInTo("calendar");

        assertThat(world.idp.tokenRequests()).anySatisfy(request -> {
            assertThat(request.clientId()).isEqualTo("portico-calendar");
            assertThat(request.authMethod()).isEqualTo(method);
            assertThat(request.grantType()).isEqualTo("authorization_code");
            assertThat(request.resources())
                    .containsExactly(world.upstreams.get(0).resource().toString());
            assertThat(request.status()).isEqualTo(200);
        });
        assertThat(world.idp.registrationCount()).isZero();
    }

    @Test
    void whenTwoUpstreamsTrustOneIssuerThenOneSignInServesBoth() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.upstream("mail", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        session.signedInTo("calendar");

        await().atMost(SIGN_IN_SETTLES).until(() -> session.toolNames().contains("mail__whoami"));
        assertThat(Clients.text(session.call("mail__whoami"))).contains("hello demo-user");
    }

    @Test
    void whenOneSessionSignsInThenAnotherSessionSeesNoneOfIt() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session alice = world.session();
        SignInWorld.Session bob = world.session();

        alice.signedInTo("calendar");

        assertThat(bob.toolNames()).doesNotContain("calendar__whoami").contains("calendar__authenticate");
        McpSchema.CallToolResult bobsCall = bob.call("calendar__whoami");
        assertThat(authUrl(bobsCall)).isNotNull();
        assertThat(statusOf(bob, "calendar")).isEqualTo("auth_required");

        world.idp.signInNextAs("bob");
        assertThat(signIn(new Browser(), bobsCall).status()).isEqualTo(200);
        await().atMost(SIGN_IN_SETTLES).until(() -> bob.toolNames().contains("calendar__whoami"));
        assertThat(Clients.text(bob.call("calendar__whoami"))).contains("hello bob");
        assertThat(Clients.text(alice.call("calendar__whoami"))).contains("hello demo-user");
    }

    @Test
    void whenTheProtectedResourceMetadataNamesAnotherResourceThenSignInIsRefused() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.advertisedResource(URI.create("https://elsewhere.example/mcp")));
        world.startPortico();
        SignInWorld.Session session = world.session();

        McpSchema.CallToolResult result = session.call("calendar__whoami");

        assertThat(result.isError()).isTrue();
        assertThat(result.structuredContent()).isNull();
        assertThat(Clients.text(result)).contains("calendar").contains("https://elsewhere.example/mcp");
    }

    @Test
    void whenTheAuthorizationServerDoesNotListS256ThenSignInIsRefused() throws Exception {
        world = new SignInWorld(idp -> idp.advertiseS256(false));
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        McpSchema.CallToolResult result = session.call("calendar__whoami");

        assertThat(result.isError()).isTrue();
        assertThat(result.structuredContent()).isNull();
        assertThat(Clients.text(result)).contains("S256");
    }

    @Test
    void whenTheCallbackIsReplayedOrUnknownThenThePageSaysSoAndNoTokenIsStored() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();
        Browser browser = new Browser();
        McpSchema.CallToolResult challenge = session.call("calendar__whoami");

        // Stop before Portico's callback: the same callback URL can then be replayed after it was used once.
        Browser.Page beforeCallback =
                browser.openUntil(authUrl(challenge), url -> url.getPath().equals("/oauth/callback"));
        URI callback = beforeCallback.stoppedAt();
        assertThat(browser.open(callback).status()).isEqualTo(200);

        Browser.Page replay = browser.open(callback);
        Browser.Page unknown =
                browser.open(URI.create(world.portico.baseUri() + "/oauth/callback?state=not-a-state&code=x"));

        assertThat(replay.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(replay.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(world.idp.tokenRequests()).hasSize(1);
    }

    @Test
    void whenTheLinkIsOpenedAfterItExpiredThenThePageSaysSoAndNoTokenIsStored() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico(Map.of(), "stateTtl: 1s");
        SignInWorld.Session session = world.session();
        McpSchema.CallToolResult challenge = session.call("calendar__whoami");

        Thread.sleep(1_500);
        Browser.Page page = signIn(new Browser(), challenge);

        assertThat(page.status()).isEqualTo(410);
        assertThat(world.idp.tokenRequests()).isEmpty();
        assertThat(statusOf(session, "calendar")).isEqualTo("auth_required");
    }

    @SuppressWarnings("unchecked")
    private static String statusOf(SignInWorld.Session session, String upstream) {
        Map<String, Object> structured =
                (Map<String, Object>) session.call("portico__auth_status").structuredContent();
        return ((List<Map<String, Object>>) structured.get("servers"))
                .stream()
                        .filter(server -> upstream.equals(server.get("server")))
                        .findFirst()
                        .map(server -> (String) server.get("state"))
                        .orElseThrow();
    }
}
