package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.oauth.flow.BindOutcome;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two {@link PostgresStorage} instances on one database behave as two replicas of Portico. */
class ReplicasTest {

    private static EmbeddedDatabase database;
    private static PostgresStorage one;
    private static PostgresStorage two;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        one = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
        two = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
        database.close();
    }

    @Test
    void aSignInStartedOnOneReplicaIsOpenedAndFinishedOnTheOther() {
        PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
        one.signInStore().put(signIn);

        assertThat(two.signInStore().bindBrowser(signIn.startId(), "browser")).isEqualTo(BindOutcome.BOUND);
        assertThat(one.signInStore().bindBrowser(signIn.startId(), "another")).isEqualTo(BindOutcome.OTHER_BROWSER);
        assertThat(two.signInStore().take(signIn.state().reveal()))
                .isEqualTo(new SignInLookup.Found(signIn.boundTo("browser")));
        assertThat(one.signInStore().take(signIn.state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void tokensAndRegistrationsStoredByOneReplicaAreSeenByTheOther() {
        String owner = Fixtures.owner();
        TokenSet tokens = Fixtures.tokens();
        one.tokenStore().put(owner, tokens);
        assertThat(two.tokenStore().find(owner, Fixtures.ISSUER, Set.of("files.read")))
                .containsExactly(tokens);

        var client = new dev.portico.oauth.client.RegisteredClient(
                Fixtures.confidentialTarget().tokenEndpoint().client(), Optional.empty());
        one.registrationStore().put(Fixtures.ISSUER, Fixtures.REDIRECT_URI, client);
        assertThat(two.registrationStore().find(Fixtures.ISSUER, Fixtures.REDIRECT_URI))
                .contains(client);
    }

    @Test
    void concurrentRenewalsOfOneSetOnBothReplicasMakeOneRequestAndAgreeOnItsResult() throws Exception {
        String owner = Fixtures.owner();
        TokenSet stale = Fixtures.tokens();
        one.tokenStore().put(owner, stale);
        TokenSet renewed = Fixtures.refreshed(stale);
        AtomicInteger requests = new AtomicInteger();
        int renewers = 8;

        List<Optional<TokenSet>> results = PostgresSignInStoreTest.concurrently(renewers, i -> {
            TokenStore replica = i % 2 == 0 ? one.tokenStore() : two.tokenStore();
            return replica.renew(owner, stale, current -> {
                requests.incrementAndGet();
                // Hold the row lock until another renewer is seen waiting for it: the race is real.
                await().atMost(Duration.ofSeconds(10)).until(() -> sessionsWaitingForALock() > 0);
                return renewed;
            });
        });

        assertThat(requests).hasValue(1);
        assertThat(results).hasSize(renewers).allSatisfy(result -> assertThat(result)
                .contains(renewed));
        assertThat(two.tokenStore().find(owner, Fixtures.ISSUER, Set.of())).containsExactly(renewed);
    }

    private static int sessionsWaitingForALock() throws Exception {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) {
            row.next();
            return row.getInt(1);
        }
    }
}
