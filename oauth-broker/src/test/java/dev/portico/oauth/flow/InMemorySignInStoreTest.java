package dev.portico.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.oauth.MutableClock;
import dev.portico.oauth.limits.RecordedEvictions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemorySignInStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final InMemorySignInStore store = new InMemorySignInStore(clock);
    private ExecutorService executor;

    @AfterEach
    void stopExecutor() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void whenTakenThenFoundOnceAndUnknownAfterwards() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);

        SignInLookup first = store.take(signIn.state().reveal());
        SignInLookup second = store.take(signIn.state().reveal());

        assertThat(first).isEqualTo(new SignInLookup.Found(signIn));
        assertThat(second).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(signIn.startId())).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void whenStateNeverIssuedThenUnknown() {
        assertThat(store.take("no-such-state")).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void whenFoundByStartIdThenItStays() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);

        assertThat(store.findByStartId(signIn.startId())).isEqualTo(new SignInLookup.Found(signIn));
        assertThat(store.take(signIn.state().reveal())).isInstanceOf(SignInLookup.Found.class);
    }

    @Test
    void whenTimeToLivePassedThenExpiredEverywhere() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);
        clock.advance(Duration.ofMinutes(10));

        assertThat(store.findByStartId(signIn.startId())).isInstanceOf(SignInLookup.Expired.class);
        assertThat(store.bindBrowser(signIn.startId(), "hash")).isEqualTo(BindOutcome.EXPIRED);
        assertThat(store.take(signIn.state().reveal())).isEqualTo(new SignInLookup.Expired(signIn));
        assertThat(store.take(signIn.state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void whenJustBeforeExpiryThenStillFound() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);
        clock.advance(Duration.ofMinutes(10).minusMillis(1));

        assertThat(store.take(signIn.state().reveal())).isInstanceOf(SignInLookup.Found.class);
    }

    @Test
    void whenCapReachedThenOldestEvicted() {
        InMemorySignInStore small = new InMemorySignInStore(clock, 3);
        List<PendingSignIn> signIns = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            PendingSignIn signIn = SignInFixtures.signIn("session-" + i, clock.instant());
            signIns.add(signIn);
            small.put(signIn);
        }

        assertThat(small.size()).isEqualTo(3);
        assertThat(small.take(signIns.get(0).state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(small.findByStartId(signIns.get(0).startId())).isInstanceOf(SignInLookup.Unknown.class);
        for (int i = 1; i < 4; i++) {
            assertThat(small.take(signIns.get(i).state().reveal())).isInstanceOf(SignInLookup.Found.class);
        }
    }

    @Test
    void whenAnOwnerReachesItsCapThenItsOldestIsEvictedAndOthersKeepTheirs() {
        RecordedEvictions evictions = new RecordedEvictions();
        InMemorySignInStore capped = new InMemorySignInStore(clock, 100, 2, evictions);
        PendingSignIn other = SignInFixtures.signIn("other-session", clock.instant());
        capped.put(other);
        List<PendingSignIn> own = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            PendingSignIn signIn = SignInFixtures.signIn("busy-session", clock.instant());
            own.add(signIn);
            capped.put(signIn);
        }

        assertThat(capped.findByStartId(own.get(0).startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(capped.findByStartId(own.get(1).startId())).isInstanceOf(SignInLookup.Found.class);
        assertThat(capped.findByStartId(own.get(2).startId())).isInstanceOf(SignInLookup.Found.class);
        assertThat(capped.findByStartId(other.startId())).isInstanceOf(SignInLookup.Found.class);
        assertThat(evictions.heard()).containsExactly("sign-ins/session-cap/1");
    }

    @Test
    void whenTheTotalCapIsReachedThenTheListenerHearsOfIt() {
        RecordedEvictions evictions = new RecordedEvictions();
        InMemorySignInStore capped = new InMemorySignInStore(clock, 2, 2, evictions);
        for (int i = 0; i < 3; i++) {
            capped.put(SignInFixtures.signIn("session-" + i, clock.instant()));
        }

        assertThat(capped.size()).isEqualTo(2);
        assertThat(evictions.heard()).containsExactly("sign-ins/total-cap/1");
    }

    @Test
    void whenAnOwnerIsForgottenThenItsSlotsAreFreeAgain() {
        RecordedEvictions evictions = new RecordedEvictions();
        InMemorySignInStore capped = new InMemorySignInStore(clock, 100, 1, evictions);
        capped.put(SignInFixtures.signIn("session-1", clock.instant()));
        capped.forget("session-1");

        capped.put(SignInFixtures.signIn("session-1", clock.instant()));

        assertThat(capped.size()).isEqualTo(1);
        assertThat(evictions.heard()).isEmpty();
    }

    @Test
    void whenLongExpiredThenSweptOnPut() {
        PendingSignIn old = SignInFixtures.signIn("session-1", clock.instant());
        store.put(old);
        clock.advance(Duration.ofMinutes(10)
                .plus(InMemorySignInStore.EXPIRED_RETENTION)
                .plusSeconds(1));

        store.put(SignInFixtures.signIn("session-2", clock.instant()));

        assertThat(store.size()).isEqualTo(1);
        assertThat(store.findByStartId(old.startId())).isInstanceOf(SignInLookup.Unknown.class);
    }

    @Test
    void whenBoundThenFirstBrowserWins() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);

        assertThat(store.bindBrowser(signIn.startId(), "browser-a")).isEqualTo(BindOutcome.BOUND);
        assertThat(store.bindBrowser(signIn.startId(), "browser-a")).isEqualTo(BindOutcome.SAME_BROWSER);
        assertThat(store.bindBrowser(signIn.startId(), "browser-b")).isEqualTo(BindOutcome.OTHER_BROWSER);
        assertThat(store.bindBrowser("no-such-start", "browser-a")).isEqualTo(BindOutcome.UNKNOWN);

        SignInLookup taken = store.take(signIn.state().reveal());
        assertThat(((SignInLookup.Found) taken).signIn().browserBinding()).contains("browser-a");
    }

    @Test
    void whenOwnerForgottenThenOnlyItsSignInsGone() {
        PendingSignIn mine = SignInFixtures.signIn("session-1", clock.instant());
        PendingSignIn theirs = SignInFixtures.signIn("session-2", clock.instant());
        store.put(mine);
        store.put(theirs);

        store.forget("session-1");

        assertThat(store.take(mine.state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.findByStartId(mine.startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.take(theirs.state().reveal())).isInstanceOf(SignInLookup.Found.class);
    }

    @Test
    void whenOwnerSignsOutOfOneUpstreamThenOnlyThoseSignInsGone() {
        SignInTarget files = SignInFixtures.target(List.of("files.read"), true);
        SignInTarget mail = new SignInTarget(
                "mail",
                files.resource(),
                true,
                files.scopes(),
                files.requiredScopes(),
                files.authorizationEndpoint(),
                files.tokenEndpoint(),
                false);
        PendingSignIn filesOfMine = SignInFixtures.signIn("session-1", clock.instant());
        PendingSignIn mailOfMine = PendingSignIn.start(
                "session-1", mail, SignInFixtures.REDIRECT_URI, clock.instant(), Duration.ofMinutes(10));
        PendingSignIn filesOfTheirs = SignInFixtures.signIn("session-2", clock.instant());
        store.put(filesOfMine);
        store.put(mailOfMine);
        store.put(filesOfTheirs);

        store.forget("session-1", "files");

        assertThat(store.findByStartId(filesOfMine.startId())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.take(filesOfMine.state().reveal())).isInstanceOf(SignInLookup.Unknown.class);
        assertThat(store.take(mailOfMine.state().reveal())).isInstanceOf(SignInLookup.Found.class);
        assertThat(store.take(filesOfTheirs.state().reveal())).isInstanceOf(SignInLookup.Found.class);
    }

    @Test
    void whenSixteenThreadsTakeOneStateThenExactlyOneFindsIt() throws Exception {
        executor = Executors.newFixedThreadPool(16);
        for (int round = 0; round < 50; round++) {
            PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
            store.put(signIn);
            CountDownLatch go = new CountDownLatch(1);
            List<Callable<SignInLookup>> takers = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                takers.add(() -> {
                    go.await();
                    return store.take(signIn.state().reveal());
                });
            }
            List<Future<SignInLookup>> futures = new ArrayList<>();
            for (Callable<SignInLookup> taker : takers) {
                futures.add(executor.submit(taker));
            }
            go.countDown();
            int found = 0;
            for (Future<SignInLookup> future : futures) {
                SignInLookup result = future.get(10, TimeUnit.SECONDS);
                if (result instanceof SignInLookup.Found) {
                    found++;
                } else {
                    assertThat(result).isInstanceOf(SignInLookup.Unknown.class);
                }
            }
            assertThat(found).isEqualTo(1);
        }
    }

    @Test
    void whenPrintedThenNoStateShown() {
        PendingSignIn signIn = SignInFixtures.signIn("session-1", clock.instant());
        store.put(signIn);

        assertThat(store.toString()).doesNotContain(signIn.state().reveal());
        assertThat(signIn.toString())
                .doesNotContain(signIn.state().reveal())
                .doesNotContain(signIn.startId())
                .doesNotContain(signIn.verifier().reveal())
                .contains("files");
    }
}
