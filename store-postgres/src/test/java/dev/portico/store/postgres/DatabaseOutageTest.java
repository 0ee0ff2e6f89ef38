package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portico.config.Secret;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.token.TokenSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The database stops under load and starts again; the same {@link PostgresStorage} carries on. */
class DatabaseOutageTest {

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void whileTheDatabaseIsDownCallsFailClearlyHeldTokensStillReadAndAllRecoversByItself() throws Exception {
        String owner = Fixtures.owner();
        TokenSet tokens = Fixtures.tokens();
        storage.tokenStore().put(owner, tokens);
        assertThat(storage.tokenStore().find(owner, Fixtures.ISSUER, Set.of("files.read")))
                .containsExactly(tokens);
        assertThat(storage.isAvailable()).isTrue();

        Load load = new Load();
        load.start(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> load.succeeded.get() > 20);

        database.stopServer();
        await().atMost(Duration.ofSeconds(10)).until(() -> !storage.isAvailable());
        assertThatThrownBy(() -> storage.signInStore().put(Fixtures.signIn(Fixtures.owner())))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("PostgreSQL storage: storing a sign-in failed");
        assertThatThrownBy(() -> storage.tokenStore().find(Fixtures.owner(), Fixtures.ISSUER, Set.of()))
                .isInstanceOf(StorageUnavailableException.class);
        // The owner whose sets were read before the outage still gets them: its calls keep working.
        assertThat(storage.tokenStore().find(owner, Fixtures.ISSUER, Set.of("files.read")))
                .containsExactly(tokens);
        int failedWhileDown = load.failed.get();

        database.startServer();
        await().atMost(Duration.ofSeconds(20)).until(storage::isAvailable);
        int succeededBeforeRecovery = load.succeeded.get();
        await().atMost(Duration.ofSeconds(20)).until(() -> load.succeeded.get() > succeededBeforeRecovery + 20);
        load.stop();

        assertThat(failedWhileDown).isPositive();
        assertThat(load.unexpected).isEmpty();
        assertThat(load.crossed).hasValue(0);
        PendingSignIn after = Fixtures.signIn(Fixtures.owner());
        storage.signInStore().put(after);
        assertThat(storage.signInStore().take(after.state().reveal())).isEqualTo(new SignInLookup.Found(after));
        assertThat(storage.tokenStore().find(owner, Fixtures.ISSUER, Set.of())).containsExactly(tokens);
    }

    @Test
    void startingWithoutADatabaseFailsClearlyWithoutShowingThePassword() {
        PostgresStorageSettings nowhere = PostgresStorageSettings.of(
                        "jdbc:postgresql://127.0.0.1:1/portico?password=url-password",
                        "portico",
                        Optional.of(Secret.of("the-password")),
                        EmbeddedDatabase.KEY_A,
                        List.of())
                .withPool(2, Duration.ofMillis(500));

        assertThatThrownBy(() -> PostgresStorage.start(nowhere))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("PostgreSQL storage at jdbc:postgresql://127.0.0.1:1/portico?… cannot be reached")
                .hasMessageNotContaining("url-password");
        assertThat(nowhere.toString()).doesNotContain("the-password", "url-password", "key-A");
    }

    /** Sign-ins put and taken in a loop; counts what worked and what failed, and how. */
    private static final class Load {
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger crossed = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final ExecutorService threads = Executors.newCachedThreadPool();

        void start(int workers) {
            for (int i = 0; i < workers; i++) {
                threads.submit(this::work);
            }
        }

        void work() {
            while (running.get()) {
                PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
                try {
                    storage.signInStore().put(signIn);
                    SignInLookup taken =
                            storage.signInStore().take(signIn.state().reveal());
                    if (!taken.equals(new SignInLookup.Found(signIn))) {
                        crossed.incrementAndGet();
                    }
                    succeeded.incrementAndGet();
                } catch (StorageUnavailableException e) {
                    failed.incrementAndGet();
                    pause();
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            threads.shutdown();
            assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }

        private static void pause() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
