package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.DemoIdentityProvider;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code portico__logout} as a client uses it: the session's tokens of an issuer are dropped and revoked, and its
 * upstreams ask for a sign-in again. {@link SignOutEndToEndTest} covers the broker's side in detail.
 */
@OAuthEndToEnd
class LogoutToolEndToEndTest {

    private static final Duration SETTLES = Duration.ofSeconds(20);

    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void signingOutOfAServerDropsAndRevokesItsTokensAndItAsksForASignInAgain() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");
        int announcementsBefore = session.toolChanges().size();

        McpSchema.CallToolResult result = logout(session, "calendar");

        assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
        assertThat(Clients.text(result)).contains("Signed out of " + world.idp.issuer());
        assertThat(result.structuredContent())
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("servers", java.util.List.of("calendar"));
        assertThat(world.idp.revocations())
                .extracting(DemoIdentityProvider.RevocationRecord::tokenKind)
                .containsExactlyInAnyOrder(
                        DemoIdentityProvider.RevocationRecord.REFRESH_TOKEN,
                        DemoIdentityProvider.RevocationRecord.ACCESS_TOKEN);
        await().atMost(SETTLES).until(() -> session.toolNames().contains("calendar__authenticate"));
        assertThat(session.toolNames()).doesNotContain("calendar__whoami");
        assertThat(session.toolChanges().size()).isGreaterThan(announcementsBefore);
        assertThat(authUrl(session.call("calendar__authenticate"))).isNotNull();
    }

    @Test
    void signingOutOfOneServerSignsOutOfEveryServerOfItsIssuer() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.upstream("mail", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");
        await().atMost(SETTLES).until(() -> session.toolNames().contains("mail__whoami"));

        McpSchema.CallToolResult result = logout(session, "calendar");

        assertThat(result.structuredContent())
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .extractingByKey("servers", InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrder("calendar", "mail");
        await().atMost(SETTLES).until(() -> session.toolNames()
                .containsAll(java.util.List.of("calendar__authenticate", "mail__authenticate")));
    }

    @Test
    void signingOutOfEverythingWhenNothingIsHeldSaysSo() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        McpSchema.CallToolResult result = logout(session, "all");

        assertThat(Clients.text(result)).isEqualTo("This session held no sign-in for every server.");
    }

    @Test
    void anUnknownServerIsAToolErrorNamingTheChoices() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        McpSchema.CallToolResult result = logout(session, "nope");

        assertThat(result.isError()).isTrue();
        assertThat(Clients.text(result)).contains("'nope'").contains("calendar").contains("all");
        McpSchema.CallToolResult missing =
                session.client().callTool(new McpSchema.CallToolRequest("portico__logout", Map.of()));
        assertThat(missing.isError()).isTrue();
    }

    @Test
    void theLogoutToolOffersEachServerAndAll() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session();

        McpSchema.Tool logout = session.client().listTools().tools().stream()
                .filter(t -> t.name().equals("portico__logout"))
                .findFirst()
                .orElseThrow();

        assertThat(logout.inputSchema()).containsEntry("required", java.util.List.of("server"));
        assertThat(logout.inputSchema())
                .extractingByKey("properties", InstanceOfAssertFactories.MAP)
                .extractingByKey("server", InstanceOfAssertFactories.MAP)
                .containsEntry("enum", java.util.List.of("calendar", "all"));
    }

    private static McpSchema.CallToolResult logout(SignInWorld.Session session, String server) {
        return session.client().callTool(new McpSchema.CallToolRequest("portico__logout", Map.of("server", server)));
    }
}
