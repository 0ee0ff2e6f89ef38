package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static dev.portico.aggregator.SignInWorld.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Browser;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Machine upstreams with real parts on loopback: a {@code client_credentials} upstream, whose tokens Portico gets with
 * its own client credentials, and a token exchange upstream, whose tokens are the session's token from another
 * identity provider exchanged (RFC 8693). Neither ever shows a user a sign-in of its own.
 */
@OAuthEndToEnd
class MachineGrantEndToEndTest {

    private static final Duration SETTLES = Duration.ofSeconds(20);
    private static final String BOT = "reports-bot";
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final List<URI> ANY_REDIRECT = List.of(URI.create("http://127.0.0.1:9/unused"));

    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    private static String clientCredentials(String secret) {
        return "grant: client_credentials\nclientId: " + BOT + "\nclientSecret: " + secret + "\n";
    }

    private long grants(DemoIdentityProvider idp, String grantType) {
        return idp.tokenRequests().stream()
                .filter(r -> r.grantType().equals(grantType) && r.status() == 200)
                .count();
    }

    private static boolean isAuthRequired(McpSchema.CallToolResult result) {
        return result.structuredContent() instanceof Map<?, ?> structured
                && "auth_required".equals(structured.get("status"));
    }

    @Test
    void whenAnUpstreamUsesClientCredentialsThenItsToolsWorkWithoutAnySignIn() throws Exception {
        world = new SignInWorld(idp -> {});
        world.idp.registerClient(
                Client.confidential(BOT, Secret.of("bot-secret"), ClientAuthMethod.CLIENT_SECRET_BASIC, ANY_REDIRECT));
        world.upstream("reports", u -> {});
        world.startPortico(Map.of("reports", clientCredentials("bot-secret")), "");
        SignInWorld.Session session = world.session();

        await().atMost(SETTLES).until(() -> session.toolNames().contains("reports__whoami"));
        McpSchema.CallToolResult result = session.call("reports__whoami");

        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(Clients.text(result)).isEqualTo("hello " + BOT);
        assertThat(session.toolNames()).doesNotContain("reports__authenticate");
        assertThat(session.toolChanges())
                .allSatisfy(tools ->
                        assertThat(tools).extracting(McpSchema.Tool::name).doesNotContain("reports__authenticate"));
        assertThat(grants(world.idp, "client_credentials")).isEqualTo(1);
        assertThat(world.idp.tokenRequests()).extracting(r -> r.grantType()).containsOnly("client_credentials");

        SignInWorld.Session second = world.session();
        await().atMost(SETTLES).until(() -> second.toolNames().contains("reports__whoami"));
        assertThat(Clients.text(second.call("reports__whoami"))).isEqualTo("hello " + BOT);
        assertThat(grants(world.idp, "client_credentials"))
                .as("Portico's token serves every session")
                .isEqualTo(1);
    }

    @Test
    void whenTheClientCredentialsTokenIsShortLivedThenPorticoFetchesANewOneAndCallsGoOn() throws Exception {
        world = new SignInWorld(idp -> idp.tokenLifetime(Duration.ofSeconds(4)));
        world.idp.registerClient(
                Client.confidential(BOT, Secret.of("bot-secret"), ClientAuthMethod.CLIENT_SECRET_BASIC, ANY_REDIRECT));
        world.upstream("reports", u -> {});
        world.startPortico(Map.of("reports", clientCredentials("bot-secret")), "");
        SignInWorld.Session session = world.session();
        await().atMost(SETTLES).until(() -> session.toolNames().contains("reports__whoami"));
        List<McpSchema.CallToolResult> results = new CopyOnWriteArrayList<>();

        await().atMost(SETTLES).pollInterval(Duration.ofMillis(250)).until(() -> {
            results.add(session.call("reports__whoami"));
            return grants(world.idp, "client_credentials") >= 2;
        });
        results.add(session.call("reports__whoami"));

        assertThat(results).allSatisfy(result -> {
            assertThat(isAuthRequired(result)).isFalse();
            assertThat(Clients.text(result)).isEqualTo("hello " + BOT);
        });
    }

    @Test
    void whenTheClientSecretIsWrongThenCallsFailNamingInvalidClientAndNoSignInIsOffered() throws Exception {
        world = new SignInWorld(idp -> {});
        world.idp.registerClient(
                Client.confidential(BOT, Secret.of("bot-secret"), ClientAuthMethod.CLIENT_SECRET_BASIC, ANY_REDIRECT));
        world.upstream("reports", u -> {});
        world.startPortico(Map.of("reports", clientCredentials("not-the-secret")), "");
        SignInWorld.Session session = world.session();

        // Until the refusal is settled the tool is unknown to the session, which the client sees as an error.
        await().atMost(SETTLES).ignoreExceptions().until(() -> Clients.text(session.call("reports__whoami"))
                .contains("invalid_client"));
        McpSchema.CallToolResult result = session.call("reports__whoami");

        assertThat(result.isError()).isTrue();
        assertThat(isAuthRequired(result)).isFalse();
        assertThat(Clients.text(result))
                .contains("reports")
                .contains("invalid_client")
                .doesNotContain("not-the-secret");
    }

    @Test
    void whenAnUpstreamExchangesTheCalendarTokenThenOneSignInAtTheFirstIssuerServesBoth() throws Exception {
        world = new SignInWorld(idp -> {});
        DemoIdentityProvider ledgerIdp = world.otherIdp(idp -> idp.trustSubjectTokensFrom(world.idp));
        ledgerIdp.registerClient(Client.confidential(
                "portico-at-b", Secret.of("b-secret"), ClientAuthMethod.CLIENT_SECRET_BASIC, ANY_REDIRECT));
        world.upstream("calendar", u -> {});
        world.upstream("reports", ledgerIdp, u -> {});
        world.startPortico(
                Map.of(
                        "reports",
                        "clientId: portico-at-b\nclientSecret: b-secret\ntokenExchange: {subjectUpstream: calendar}\n"),
                "");
        SignInWorld.Session alice = world.session();

        await().atMost(SETTLES).ignoreExceptions().until(() -> isAuthRequired(alice.call("reports__whoami")));
        McpSchema.CallToolResult challenge = alice.call("reports__whoami");
        assertThat(Clients.text(challenge)).contains("sign in to 'calendar'");
        assertThat(authUrl(challenge)).isNotNull();
        Browser.Page page = signIn(new Browser(), challenge);

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in to calendar");
        assertThat(page.visited())
                .anyMatch(url -> url.toString().startsWith(world.idp.issuer().toString()));
        await().atMost(SETTLES)
                .until(() -> alice.toolNames().containsAll(List.of("reports__whoami", "calendar__whoami")));
        assertThat(Clients.text(alice.call("reports__whoami")))
                .isEqualTo("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        assertThat(Clients.text(alice.call("reports__whoami")))
                .isEqualTo("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        assertThat(Clients.text(alice.call("calendar__whoami")))
                .isEqualTo("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        assertThat(grants(ledgerIdp, TOKEN_EXCHANGE))
                .as("the exchanged token is kept")
                .isEqualTo(1);
        assertThat(grants(ledgerIdp, "authorization_code"))
                .as("no sign-in at the second issuer")
                .isZero();

        world.idp.signInNextAs("bob");
        SignInWorld.Session bob = world.session();
        await().atMost(SETTLES).ignoreExceptions().until(() -> isAuthRequired(bob.call("reports__whoami")));
        assertThat(signIn(new Browser(), bob.call("reports__whoami")).status()).isEqualTo(200);
        await().atMost(SETTLES).until(() -> bob.toolNames().contains("reports__whoami"));

        assertThat(Clients.text(bob.call("reports__whoami"))).isEqualTo("hello bob");
        assertThat(Clients.text(alice.call("reports__whoami")))
                .isEqualTo("hello " + DemoIdentityProvider.DEFAULT_SUBJECT);
        assertThat(grants(ledgerIdp, TOKEN_EXCHANGE))
                .as("each user gets an exchange of their own")
                .isEqualTo(2);
        assertThat(authUrl(challenge)).isNotNull();
    }
}
