package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.portico.config.LimitsConfig;
import dev.portico.config.Secret;
import dev.portico.oauth.flow.BindOutcome;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.flow.SignInStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresSignInStoreTest {

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;
    private static SignInStore store;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(
                // Expired rows are kept 1 s before the sweeper (every 200 ms) deletes them: long enough to see a
                // sign-in expired (without retention it could be deleted between two looks), short enough to see it
                // swept.
                database.settings(EmbeddedDatabase.KEY_A).withSweeping(Duration.ofMillis(200), Duration.ofSeconds(1)));
        store = storage.signInStore();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void aSignInReadsBackEqualByStartIdAndIsTakenOnce() {
        PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
        store.put(signIn);

        assertThat(store.findByStartId(signIn.startId())).isEqualTo(new SignInLookup.Found(signIn));
        SignInLookup taken = store.take(signIn.state().reveal());
        assertThat(taken).isEqualTo(new SignInLookup.Found(signIn));
        PendingSignIn back = ((SignInLookup.Found) taken).signIn();
        assertThat(back.verifier().reveal()).isEqualTo(signIn.verifier().reveal());
        assertThat(back.target().tokenEndpoint().client().secret().orElseThrow().reveal())
                .isEqualTo(Fixtures.CLIENT_SECRET);
        assertThat(back.target()).isEqualTo(signIn.target());
        assertThat(back.createdAt()).isEqualTo(signIn.createdAt());
        assertThat(back.expiresAt()).isEqualTo(signIn.expiresAt());

        assertThat(store.take(signIn.state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(signIn.startId())).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void aStateOrStartIdThatIsAlreadyStoredIsRefusedAndTheFirstSignInSurvives() {
        PendingSignIn first = Fixtures.signIn(Fixtures.owner());
        store.put(first);
        PendingSignIn sameState = new PendingSignIn(
                first.state(),
                "another-start-id-" + first.startId(),
                first.flowId(),
                Fixtures.owner(),
                first.target(),
                first.redirectUri(),
                Secret.of("another-verifier"),
                first.authorizationUrl(),
                first.createdAt(),
                first.expiresAt(),
                first.browserBinding());
        PendingSignIn sameStartId = Fixtures.signIn(first.owner());
        PendingSignIn collidingStart = new PendingSignIn(
                sameStartId.state(),
                first.startId(),
                sameStartId.flowId(),
                sameStartId.owner(),
                sameStartId.target(),
                sameStartId.redirectUri(),
                sameStartId.verifier(),
                sameStartId.authorizationUrl(),
                sameStartId.createdAt(),
                sameStartId.expiresAt(),
                sameStartId.browserBinding());

        assertThatThrownBy(() -> store.put(sameState))
                .isInstanceOf(SignInCollisionException.class)
                .hasMessageContaining("refusing to overwrite");
        assertThatThrownBy(() -> store.put(collidingStart)).isInstanceOf(SignInCollisionException.class);
        assertThat(store.take(first.state().reveal())).isEqualTo(new SignInLookup.Found(first));
    }

    @Test
    void ofManyConcurrentTakesOfOneStateExactlyOneFindsIt() throws Exception {
        PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
        store.put(signIn);
        int takers = 24;
        List<SignInLookup> results =
                concurrently(takers, i -> store.take(signIn.state().reveal()));

        assertThat(results).filteredOn(SignInLookup.Found.class::isInstance).hasSize(1);
        assertThat(results).filteredOn(SignInLookup.Unknown.class::isInstance).hasSize(takers - 1);
    }

    @Test
    void aThousandConcurrentSignInsAreEachTakenBackWhole() throws Exception {
        int count = 1_000;
        List<PendingSignIn> signIns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            signIns.add(Fixtures.signIn(Fixtures.owner()));
        }
        List<SignInLookup> taken = concurrently(count, i -> {
            PendingSignIn signIn = signIns.get(i);
            store.put(signIn);
            return store.take(signIn.state().reveal());
        });

        for (int i = 0; i < count; i++) {
            assertThat(taken.get(i)).isEqualTo(new SignInLookup.Found(signIns.get(i)));
            PendingSignIn back = ((SignInLookup.Found) taken.get(i)).signIn();
            assertThat(back.owner()).isEqualTo(signIns.get(i).owner());
            assertThat(back.verifier().reveal())
                    .isEqualTo(signIns.get(i).verifier().reveal());
        }
    }

    @Test
    void aSignInPastItsTimeToLiveByTheDatabaseClockIsExpiredNeverFoundAndIsThenSwept() {
        PendingSignIn signIn = Fixtures.signIn(Fixtures.owner(), Duration.ofMillis(300));
        store.put(signIn);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.findByStartId(signIn.startId()) instanceof SignInLookup.Expired);
        assertThat(store.bindBrowser(signIn.startId(), "cookie-hash")).isEqualTo(BindOutcome.EXPIRED);

        PendingSignIn other = Fixtures.signIn(Fixtures.owner(), Duration.ofMillis(300));
        store.put(other);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.findByStartId(other.startId()) instanceof SignInLookup.Expired
                        || store.findByStartId(other.startId()) instanceof SignInLookup.Unknown);
        SignInLookup taken = store.take(other.state().reveal());
        // Expired and swept are both right here; found never is.
        assertThat(taken).isNotInstanceOf(SignInLookup.Found.class);

        // The sweeper (every 200 ms, 1 s of retention in this test) deletes the first one.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> store.findByStartId(signIn.startId()) instanceof SignInLookup.Unknown);
    }

    @Test
    void theFirstBrowserWinsAndConcurrentBindsBindOnce() throws Exception {
        PendingSignIn signIn = Fixtures.signIn(Fixtures.owner());
        store.put(signIn);
        List<BindOutcome> outcomes = concurrently(16, i -> store.bindBrowser(signIn.startId(), "browser-" + i));

        assertThat(outcomes).filteredOn(BindOutcome.BOUND::equals).hasSize(1);
        assertThat(outcomes).filteredOn(BindOutcome.OTHER_BROWSER::equals).hasSize(15);
        int winner = outcomes.indexOf(BindOutcome.BOUND);
        assertThat(store.bindBrowser(signIn.startId(), "browser-" + winner)).isEqualTo(BindOutcome.SAME_BROWSER);
        assertThat(store.findByStartId(signIn.startId()))
                .isEqualTo(new SignInLookup.Found(signIn.boundTo("browser-" + winner)));
        assertThat(store.bindBrowser("no-such-start-id", "browser-0")).isEqualTo(BindOutcome.UNKNOWN);
    }

    @Test
    void forgettingDropsTheOwnersSignInsAndOnlyThose() {
        String owner = Fixtures.owner();
        PendingSignIn files = Fixtures.signIn(owner);
        PendingSignIn mail = PendingSignIn.start(
                owner,
                new dev.portico.oauth.flow.SignInTarget(
                        "mail",
                        Fixtures.RESOURCE,
                        false,
                        List.of(),
                        java.util.Set.of(),
                        files.target().authorizationEndpoint(),
                        files.target().tokenEndpoint(),
                        false),
                Fixtures.REDIRECT_URI,
                java.time.Instant.now(),
                Duration.ofMinutes(5));
        PendingSignIn someoneElse = Fixtures.signIn(Fixtures.owner());
        store.put(files);
        store.put(mail);
        store.put(someoneElse);

        store.forget(owner, "files");
        assertThat(store.findByStartId(files.startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(mail.startId())).isEqualTo(new SignInLookup.Found(mail));

        store.forget(owner);
        assertThat(store.findByStartId(mail.startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(someoneElse.startId())).isEqualTo(new SignInLookup.Found(someoneElse));
    }

    @Test
    void anOwnerKeepsAtMostItsCapOfNewestSignIns() {
        String owner = Fixtures.owner();
        List<PendingSignIn> signIns = new ArrayList<>();
        for (int i = 0; i < LimitsConfig.defaults().maxPendingSignInsPerSession() + 5; i++) {
            PendingSignIn signIn = Fixtures.signIn(owner);
            signIns.add(signIn);
            store.put(signIn);
        }
        assertThat(store.findByStartId(signIns.get(0).startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(signIns.get(signIns.size() - 1).startId()))
                .isInstanceOf(SignInLookup.Found.class);
    }

    /** Runs {@code task} for 0..n-1 on many threads released at once; results in index order. */
    static <T> List<T> concurrently(int n, IndexedTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(n, 32));
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> call = () -> {
                    go.await();
                    return task.run(index);
                };
                futures.add(pool.submit(call));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    interface IndexedTask<T> {
        T run(int index) throws Exception;
    }
}
