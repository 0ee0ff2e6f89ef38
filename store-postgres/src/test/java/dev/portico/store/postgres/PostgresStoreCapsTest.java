package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portico.config.LimitsConfig;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.storage.StoreEvictions;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The caps of {@code limits} in PostgreSQL: oldest first out, per owner and in total, logged and counted. */
class PostgresStoreCapsTest {

    private static final LimitsConfig CAPS = LimitsConfig.defaults().withCaps(2, 3, 2, 3);

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;
    private static final List<String> evictions = new CopyOnWriteArrayList<>();

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger evictionLog = (Logger) LoggerFactory.getLogger(StoreEvictions.class);

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(
                database.settings(EmbeddedDatabase.KEY_A),
                CAPS,
                (store, reason, count) -> evictions.add(store + "/" + reason + "/" + count));
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @BeforeEach
    void emptyTablesAndListen() throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM portico_sign_ins");
            statement.execute("DELETE FROM portico_tokens");
        }
        evictions.clear();
        logs.start();
        evictionLog.addAppender(logs);
    }

    @AfterEach
    void stopListening() {
        evictionLog.detachAppender(logs);
    }

    @Test
    void whenAnOwnerStartsMoreSignInsThanItsCapThenItsOldestLinkStopsWorking() {
        SignInStore store = storage.signInStore();
        String owner = Fixtures.owner();
        List<PendingSignIn> signIns = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PendingSignIn signIn = Fixtures.signIn(owner);
            signIns.add(signIn);
            store.put(signIn);
        }

        assertThat(store.findByStartId(signIns.get(0).startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(signIns.get(1).startId())).isInstanceOf(SignInLookup.Found.class);
        assertThat(store.findByStartId(signIns.get(2).startId())).isInstanceOf(SignInLookup.Found.class);
        assertThat(evictions).containsExactly("sign-ins/session-cap/1");
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement()
                .asString()
                .contains("store=sign-ins", "reason=session-cap", "owner=" + LogIds.owner(owner))
                .doesNotContain(owner);
    }

    @Test
    void whenSignInsOfManyOwnersExceedTheTotalThenTheOldestOfAnyoneGoes() {
        SignInStore store = storage.signInStore();
        List<PendingSignIn> signIns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
            signIns.add(signIn);
            store.put(signIn);
        }

        assertThat(store.findByStartId(signIns.get(0).startId())).isInstanceOf(SignInLookup.Unknown.class);
        for (int i = 1; i < 4; i++) {
            assertThat(store.findByStartId(signIns.get(i).startId())).isInstanceOf(SignInLookup.Found.class);
        }
        assertThat(evictions).containsExactly("sign-ins/total-cap/1");
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .singleElement()
                .asString()
                .contains("store=sign-ins", "reason=total-cap");
    }

    @Test
    void whenTokenSetsExceedTheOwnerCapAndTheTotalThenTheLeastRecentlyStoredGo() {
        TokenStore store = storage.tokenStore();
        String first = Fixtures.owner();
        String second = Fixtures.owner();
        TokenSet a = Fixtures.tokens(Set.of("a"), Optional.empty());
        TokenSet b = Fixtures.tokens(Set.of("b"), Optional.empty());
        TokenSet c = Fixtures.tokens(Set.of("c"), Optional.empty());
        store.put(first, a);
        store.put(first, b);
        store.put(first, c); // the owner's cap of 2: a goes
        store.put(second, a);
        store.put(second, b); // the total of 3: the first owner's b goes

        assertThat(store.find(first, Fixtures.ISSUER, Set.of())).containsExactly(c);
        assertThat(store.find(second, Fixtures.ISSUER, Set.of())).containsExactly(b, a);
        assertThat(evictions).containsExactly("tokens/session-cap/1", "tokens/total-cap/1");
    }
}
