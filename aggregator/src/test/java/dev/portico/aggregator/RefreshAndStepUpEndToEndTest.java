package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static dev.portico.aggregator.SignInWorld.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.Browser;
import dev.portico.aggregator.testing.MutableClock;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tokens renewed without the user (expiry, a refused token, concurrent calls) and step-up sign-ins for a missing
 * scope, with the real demo identity provider and protected upstream on loopback.
 */
@OAuthEndToEnd
class RefreshAndStepUpEndToEndTest {

    private static final Duration SETTLES = Duration.ofSeconds(20);
    private static final String ADMIN = "demo.admin";

    private final MutableClock clock = new MutableClock();
    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void whenTheTokenExpiresThenTheNextCallRefreshesItWithoutAChallenge() throws Exception {
        world = new SignInWorld(idp -> {}).porticoClock(clock);
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");
        long before = refreshGrants();

        clock.advance(Duration.ofHours(1));
        McpSchema.CallToolResult result = session.call("calendar__whoami");

        assertThat(result.isError()).as("%s", result).isNotEqualTo(Boolean.TRUE);
        assertThat(Clients.text(result)).isEqualTo("hello demo-user");
        assertThat(refreshGrants()).isEqualTo(before + 1);
    }

    @Test
    void whenConcurrentCallsFindTheTokenExpiredThenOneRefreshServesThemAll() throws Exception {
        world = new SignInWorld(idp -> {}).porticoClock(clock);
        world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");
        long before = refreshGrants();
        clock.advance(Duration.ofHours(1));
        int calls = 6;
        ExecutorService threads = Executors.newFixedThreadPool(calls);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<McpSchema.CallToolResult>> results = new ArrayList<>();
        try {
            for (int i = 0; i < calls; i++) {
                results.add(threads.submit(() -> {
                    go.await();
                    return session.call("calendar__whoami");
                }));
            }
            go.countDown();
            for (Future<McpSchema.CallToolResult> result : results) {
                assertThat(Clients.text(result.get(30, TimeUnit.SECONDS))).isEqualTo("hello demo-user");
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(refreshGrants()).isEqualTo(before + 1);
    }

    @Test
    void whenTheUpstreamRevokesTheAccessTokenThenOneRefreshAndTheCallSucceeds() throws Exception {
        world = new SignInWorld(idp -> {});
        ProtectedDemoUpstream calendar = world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");
        long before = refreshGrants();

        calendar.revokeAll();
        McpSchema.CallToolResult result = session.call("calendar__whoami");

        assertThat(result.structuredContent()).as("no challenge").isNull();
        assertThat(Clients.text(result)).isEqualTo("hello demo-user");
        assertThat(refreshGrants()).isEqualTo(before + 1);
    }

    @Test
    void whenTheRefreshIsRefusedThenTheCallReturnsANewChallenge() throws Exception {
        world = new SignInWorld(idp -> {});
        ProtectedDemoUpstream calendar = world.upstream("calendar", u -> {});
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");

        calendar.revokeAll();
        world.idp.forgetRefreshTokens();
        McpSchema.CallToolResult challenge = session.call("calendar__whoami");

        assertThat(authUrl(challenge)).isNotNull();
        assertThat(world.idp.tokenRequests())
                .filteredOn(request -> request.grantType().equals("refresh_token"))
                .singleElement()
                .satisfies(request -> assertThat(request.status()).isEqualTo(400));
        assertThat(signIn(new Browser(), challenge).status()).isEqualTo(200);
        await().atMost(SETTLES)
                .until(() ->
                        !Boolean.TRUE.equals(session.call("calendar__whoami").isError()));
    }

    @Test
    void whenAToolNeedsAnotherScopeThenTheChallengeAsksForTheUnionAndTheRetrySucceeds() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.toolRequiringScope("echo", ADMIN));
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");

        McpSchema.CallToolResult challenge = echo(session);

        assertThat(challenge.structuredContent())
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("status", "auth_required")
                .containsEntry("server", "calendar");
        assertThat(Clients.text(challenge)).contains("needs more access");
        assertThat(session.toolNames()).as("the upstream stays connected").contains("calendar__whoami");
        Browser.Page page = signIn(new Browser(), challenge);
        assertThat(page.status()).isEqualTo(200);
        assertThat(requestedScopes(page)).containsExactlyInAnyOrder("demo.read", "demo.write", ADMIN);
        McpSchema.CallToolResult retried = echo(session);
        assertThat(retried.isError()).as("%s", retried).isNotEqualTo(Boolean.TRUE);
        assertThat(Clients.text(retried)).isEqualTo("hi");
        assertThat(Clients.text(session.call("calendar__whoami"))).isEqualTo("hello demo-user");
    }

    @Test
    void whenTheServerNeverGrantsTheScopeThenAfterTheLimitTheCallFailsNamingIt() throws Exception {
        world = new SignInWorld(idp -> idp.withholdScope(ADMIN));
        world.upstream("calendar", u -> u.toolRequiringScope("echo", ADMIN));
        world.startPortico();
        SignInWorld.Session session = world.session().signedInTo("calendar");

        for (int i = 0; i < 2; i++) {
            McpSchema.CallToolResult challenge = echo(session);
            Browser.Page page = signIn(new Browser(), challenge);
            assertThat(page.status()).isEqualTo(200);
            assertThat(requestedScopes(page)).contains(ADMIN);
        }
        McpSchema.CallToolResult refused = echo(session);

        assertThat(refused.isError()).isTrue();
        assertThat(refused.structuredContent()).as("no further challenge").isNull();
        assertThat(Clients.text(refused))
                .isEqualTo("Server 'calendar' still refuses this session: it needs scope demo.admin, which the"
                        + " authorization server did not grant after 2 sign-ins.");
        assertThat(Clients.text(session.call("calendar__whoami"))).isEqualTo("hello demo-user");
    }

    @Test
    void whenTheServerListsOfflineAccessThenTheSignInAsksForIt() throws Exception {
        world = new SignInWorld(idp -> idp.scopes(List.of("demo.read", "demo.write", "offline_access")));
        world.upstream("calendar", u -> {});
        world.startPortico();

        assertThat(requestedScopes(signInPage(world.session())))
                .containsExactlyInAnyOrder("demo.read", "demo.write", "offline_access");
    }

    @Test
    void whenTheServerDoesNotListOfflineAccessThenTheSignInDoesNotAskForIt() throws Exception {
        world = new SignInWorld(idp -> idp.scopes(List.of("demo.read", "demo.write")));
        world.upstream("calendar", u -> {});
        world.startPortico();

        assertThat(requestedScopes(signInPage(world.session()))).containsExactlyInAnyOrder("demo.read", "demo.write");
    }

    private static Browser.Page signInPage(SignInWorld.Session session) {
        Browser.Page page = signIn(new Browser(), session.call("calendar__whoami"));
        assertThat(page.status()).as("sign-in page: %s", page.body()).isEqualTo(200);
        return page;
    }

    private static McpSchema.CallToolResult echo(SignInWorld.Session session) {
        return session.client().callTool(new McpSchema.CallToolRequest("calendar__echo", Map.of("text", "hi")));
    }

    /** The {@code scope} of the authorization request the browser went through. */
    private List<String> requestedScopes(Browser.Page page) {
        URI authorize = page.visited().stream()
                .filter(url -> url.toString()
                        .startsWith(world.idp.authorizationEndpoint().toString()))
                .findFirst()
                .orElseThrow();
        return List.of(URLUtils.parseParameters(authorize.getRawQuery())
                .get("scope")
                .get(0)
                .split(" "));
    }

    private long refreshGrants() {
        return world.idp.tokenRequests().stream()
                .filter(request -> request.grantType().equals("refresh_token"))
                .count();
    }
}
