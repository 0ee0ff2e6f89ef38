package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.testing.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code server.auth}, upstream sign-ins belong to the user, not to the connection: a user's new session keeps
 * them, another user never shares them, and a session answers only the user who opened it.
 */
class InboundUserSignInsEndToEndTest {

    private static final Duration SIGN_IN_SETTLES = SignInWorld.SIGN_IN_SETTLES;
    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final InboundIssuer users = new InboundIssuer();
    private SignInWorld world;
    private Portico portico;

    @BeforeEach
    void start() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.serverYaml(users.serverYaml(""));
        portico = world.startPortico();
    }

    @AfterEach
    void stop() {
        world.close();
        users.close();
    }

    @Test
    void whenAUserReconnectsThenTheNewSessionKeepsTheUpstreamSignIn() {
        SignInWorld.Session first = world.session(portico, users.tokenFor(portico, "alice"));
        await().atMost(SIGN_IN_SETTLES).until(() -> first.toolNames().contains("calendar__authenticate"));
        users.nextLoginAs("alice");
        first.signedInTo("calendar");
        first.client().closeGracefully();

        SignInWorld.Session second = world.session(portico, users.tokenFor(portico, "alice"));

        await().atMost(SIGN_IN_SETTLES).until(() -> second.toolNames().contains("calendar__whoami"));
        assertThat(second.toolNames()).doesNotContain("calendar__authenticate");
        assertThat(Clients.text(second.call("calendar__whoami"))).contains("demo-user");
    }

    @Test
    void whenOneUserSignedInThenAnotherUserStillNeedsToSignIn() {
        SignInWorld.Session alice = world.session(portico, users.tokenFor(portico, "alice"));
        await().atMost(SIGN_IN_SETTLES).until(() -> alice.toolNames().contains("calendar__authenticate"));
        users.nextLoginAs("alice");
        alice.signedInTo("calendar");

        SignInWorld.Session bob = world.session(portico, users.tokenFor(portico, "bob"));

        await().atMost(SIGN_IN_SETTLES).until(() -> bob.toolNames().contains("calendar__authenticate"));
        assertThat(bob.toolNames()).doesNotContain("calendar__whoami");
        SignInWorld.authUrl(bob.call("calendar__whoami"));
        assertThat(alice.toolNames()).contains("calendar__whoami");
    }

    @Test
    void whenAnotherUsersTokenNamesASessionThen404AndTheSessionIsUntouched() throws Exception {
        String alice = users.tokenFor(portico, "alice");
        String bob = users.tokenFor(portico, "bob");
        String session = initialize(alice);

        HttpResponse<String> asBob = post(bob, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        HttpResponse<String> unknown =
                post(bob, "0".repeat(32), "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        HttpResponse<String> deleteAsBob = http.send(
                HttpRequest.newBuilder(URI.create(InboundIssuer.mcpUrl(portico)))
                        .timeout(LIMIT)
                        .header("Authorization", "Bearer " + bob)
                        .header("Mcp-Session-Id", session)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(asBob.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(asBob.body()).doesNotContain(session);
        assertThat(deleteAsBob.statusCode()).isEqualTo(404);
        HttpResponse<String> asAlice = post(alice, session, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}");
        assertThat(asAlice.statusCode()).isEqualTo(200);
        assertThat(asAlice.body()).contains("portico__auth_status");
    }

    @Test
    void whenAnotherUsersTokenPostsToALegacySessionThen404() throws Exception {
        String alice = users.tokenFor(portico, "alice");
        String bob = users.tokenFor(portico, "bob");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = http.sendAsync(
                HttpRequest.newBuilder(URI.create(portico.baseUri() + "/sse"))
                        .header("Accept", "text/event-stream")
                        .header("Authorization", "Bearer " + alice)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        stream.thenAcceptAsync(response -> {
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:")) {
                    events.add(line.substring("data:".length()).trim());
                }
            }
        });
        try {
            String endpoint = events.poll(LIMIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(endpoint).as("endpoint event").isNotNull().contains("sessionId=");
            URI messages = portico.baseUri().resolve(endpoint);
            String initialize = InboundAuthEndToEndTest.initializeBody();

            HttpResponse<String> asBob = postTo(messages, bob, null, initialize);
            HttpResponse<String> asAlice = postTo(messages, alice, null, initialize);

            assertThat(asBob.statusCode()).isEqualTo(404);
            assertThat(asAlice.statusCode()).isBetween(200, 202);
            assertThat(events.poll(LIMIT.toSeconds(), TimeUnit.SECONDS))
                    .as("the initialize answer on Alice's stream")
                    .contains("\"id\":1");
        } finally {
            stream.cancel(true);
        }
    }

    @Test
    void whenTheStartLinkOfOneUserIsFollowedThenTheSignInGoesToThatUserOnly() {
        SignInWorld.Session alice = world.session(portico, users.tokenFor(portico, "alice"));
        SignInWorld.Session bob = world.session(portico, users.tokenFor(portico, "bob"));
        await().atMost(SIGN_IN_SETTLES).until(() -> bob.toolNames().contains("calendar__authenticate"));

        users.nextLoginAs("alice");
        Browser.Page page = SignInWorld.signIn(new Browser(), alice.call("calendar__whoami"));

        assertThat(page.status()).isEqualTo(200);
        await().atMost(SIGN_IN_SETTLES).until(() -> alice.toolNames().contains("calendar__whoami"));
        assertThat(bob.toolNames()).contains("calendar__authenticate").doesNotContain("calendar__whoami");
    }

    @Test
    void whenTheStartLinkIsOpenedByABrowserSignedInAsAnotherUserThen403AndNoTokenIsStored() {
        SignInWorld.Session alice = world.session(portico, users.tokenFor(portico, "alice"));
        URI aliceLink = SignInWorld.authUrl(alice.call("calendar__whoami"));
        Browser bobsBrowser = new Browser();

        users.nextLoginAs("bob");
        Browser.Page page = bobsBrowser.open(aliceLink);

        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("This sign-in link belongs to another user");
        assertThat(page.visited()).anyMatch(url -> url.toString().startsWith(users.issuer()));
        assertThat(page.visited())
                .as("never sent on to the upstream's authorization server")
                .noneMatch(url -> url.toString().startsWith(world.idp.issuer().toString()));
        assertThat(alice.toolNames()).contains("calendar__authenticate").doesNotContain("calendar__whoami");
        assertThat(bobsBrowser.open(aliceLink).status())
                .as("the browser stays signed in as bob: no second trip to the identity provider")
                .isEqualTo(403);
    }

    @Test
    void whenTheStartLinkIsOpenedByTheUsersOwnBrowserThenItSignsInToPorticoFirstAndProceeds() {
        SignInWorld.Session alice = world.session(portico, users.tokenFor(portico, "alice"));
        URI link = SignInWorld.authUrl(alice.call("calendar__whoami"));

        users.nextLoginAs("alice");
        Browser.Page page = new Browser().open(link);

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in to calendar");
        assertThat(page.visited().get(0)).isEqualTo(link);
        assertThat(page.visited())
                .as("Portico's identity provider, then the link again, then the upstream's")
                .anyMatch(url -> url.toString().startsWith(users.issuer()))
                .anyMatch(url -> url.toString().startsWith(world.idp.issuer().toString()));
        await().atMost(SIGN_IN_SETTLES).until(() -> alice.toolNames().contains("calendar__whoami"));
    }

    @Test
    void whenTheAnswerOfAnotherBrowsersLoginIsOpenedThen403AndTheBrowserIsNotSignedIn() {
        SignInWorld.Session alice = world.session(portico, users.tokenFor(portico, "alice"));
        URI link = SignInWorld.authUrl(alice.call("calendar__whoami"));
        users.nextLoginAs("mallory");
        Browser.Page stopped =
                new Browser().openUntil(link, url -> url.getPath().equals("/oauth/callback"));
        URI mallorysAnswer = stopped.stoppedAt();
        Browser victim = new Browser();

        Browser.Page page = victim.open(mallorysAnswer);

        assertThat(page.status()).isEqualTo(403);
        assertThat(page.body()).contains("started in another browser");
        assertThat(victim.open(link).visited())
                .as("the refused answer signed the victim's browser in as no one: it is sent to sign in")
                .anyMatch(url -> url.toString().startsWith(users.issuer()));
    }

    /** Opens a streamable HTTP session as the holder of {@code token}; returns its id. */
    private String initialize(String token) throws Exception {
        HttpResponse<String> init = post(token, null, InboundAuthEndToEndTest.initializeBody());
        assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
        String id = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(token, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .statusCode())
                .isEqualTo(202);
        return id;
    }

    private HttpResponse<String> post(String token, String sessionId, String body) throws Exception {
        return postTo(URI.create(InboundIssuer.mcpUrl(portico)), token, sessionId, body);
    }

    private HttpResponse<String> postTo(URI url, String token, String sessionId, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(LIMIT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
