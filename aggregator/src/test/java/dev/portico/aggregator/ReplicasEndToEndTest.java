package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.storage.BrokerState;
import dev.portico.aggregator.testing.Browser;
import dev.portico.oauth.BrokerSettings;
import dev.portico.oauth.flow.InMemorySignInStore;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.token.InMemoryTokenStore;
import dev.portico.oauth.token.TokenStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Porticos behind one load balancer, sharing the broker's state: a sign-in started on one can finish at the other's
 * callback, and the session on the first then has its token. Here the state is shared in memory, which isolates the
 * gateway's part; the PostgreSQL tests share it through a database.
 */
@OAuthEndToEnd
class ReplicasEndToEndTest {

    private static final Duration SETTLES = Duration.ofSeconds(20);
    private static final String CALLBACK_PATH = "/oauth/callback";

    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void aSignInStartedOnOneReplicaFinishesOnTheOtherAndTheRetriedCallSucceedsOnTheFirst() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        Shared shared = new Shared(new InMemorySignInStore(Clock.systemUTC()), new InMemoryTokenStore());
        world.sharedState(() -> shared);

        assertASignInStartedOnOneReplicaFinishesOnTheOther(world);
    }

    /**
     * Starts two Porticos of {@code world} (whose upstream {@code calendar} refuses tool calls until a sign-in),
     * starts a sign-in from a session on the first, has the second serve its callback, and checks that the session's
     * retried call succeeds on the first.
     */
    static void assertASignInStartedOnOneReplicaFinishesOnTheOther(SignInWorld world) throws Exception {
        Portico first = world.startPortico();
        Portico second = world.startReplica();
        SignInWorld.Session session = world.session(first);
        await().atMost(SETTLES).until(() -> session.toolNames().contains("calendar__whoami"));
        URI link = authUrl(session.call("calendar__whoami"));
        Browser browser = new Browser();
        URI callback = browser.openUntil(link, url -> url.getPath().equals(CALLBACK_PATH))
                .stoppedAt();

        Browser.Page page = browser.open(onReplica(callback, second));

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in to calendar");
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("hello demo-user");
    }

    @Test
    void aSessionWaitingForASignInHearsOfItWhenAnotherReplicaFinishedIt() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        Shared shared = new Shared(new InMemorySignInStore(Clock.systemUTC()), new InMemoryTokenStore());
        world.sharedState(() -> shared);
        Portico first = world.startPortico();
        Portico second = world.startReplica();
        SignInWorld.Session session = world.session(first);
        await().atMost(SETTLES).until(() -> session.toolNames().contains("calendar__authenticate"));
        URI link = authUrl(session.call("calendar__authenticate"));
        Browser browser = new Browser();
        URI callback = browser.openUntil(link, url -> url.getPath().equals(CALLBACK_PATH))
                .stoppedAt();
        int announcements = session.toolChanges().size();

        assertThat(browser.open(onReplica(callback, second)).status()).isEqualTo(200);

        await().atMost(SETTLES)
                .until(() -> session.toolChanges().size() > announcements
                        && session.toolNames().contains("calendar__whoami"));
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("hello demo-user");
    }

    /** The same request as a load balancer would route it to {@code replica}. */
    static URI onReplica(URI url, Portico replica) {
        URI base = replica.baseUri();
        return URI.create(base + url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Both replicas' brokers keep their sign-ins and tokens in the same stores. */
    private record Shared(SignInStore signIns, TokenStore tokens) implements BrokerState {

        @Override
        public BrokerSettings applyTo(BrokerSettings settings) {
            return settings.withSignInStore(signIns).withTokenStore(tokens);
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public Optional<String> unavailable() {
            return Optional.empty();
        }

        @Override
        public void close() {}
    }
}
