package dev.portico.oauth.token;

import static dev.portico.oauth.token.TokenFixtures.FILES;
import static dev.portico.oauth.token.TokenFixtures.ISSUER;
import static dev.portico.oauth.token.TokenFixtures.MAIL;
import static dev.portico.oauth.token.TokenFixtures.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.Secret;
import dev.portico.oauth.limits.RecordedEvictions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InMemoryTokenStoreTest {

    private final InMemoryTokenStore store = new InMemoryTokenStore();

    @Test
    void whenScopesAreSupersetThenFound() {
        TokenSet held = tokens("a", Set.of("read", "write"), Optional.of(FILES));
        store.put("session-1", held);

        assertThat(store.find("session-1", ISSUER, Set.of("read"))).containsExactly(held);
        assertThat(store.find("session-1", ISSUER, Set.of())).containsExactly(held);
        assertThat(store.find("session-1", ISSUER, Set.of("read", "admin"))).isEmpty();
    }

    @Test
    void whenOtherIssuerOrOtherOwnerThenNothing() {
        store.put("session-1", tokens("a", Set.of("read"), Optional.of(FILES)));

        assertThat(store.find("session-1", "https://other.example.com", Set.of()))
                .isEmpty();
        assertThat(store.find("session-2", ISSUER, Set.of())).isEmpty();
    }

    @Test
    void whenSameKeyStoredAgainThenReplaced() {
        store.put("session-1", tokens("old", Set.of("read"), Optional.of(FILES)));
        TokenSet fresh = tokens("new", Set.of("read"), Optional.of(FILES));
        store.put("session-1", fresh);

        assertThat(store.find("session-1", ISSUER, Set.of())).containsExactly(fresh);
    }

    @Test
    void whenOtherResourceStoredThenBothKeptNewestFirst() {
        TokenSet files = tokens("files", Set.of("read"), Optional.of(FILES));
        TokenSet mail = tokens("mail", Set.of("read"), Optional.of(MAIL));
        store.put("session-1", files);
        store.put("session-1", mail);

        assertThat(store.find("session-1", ISSUER, Set.of("read"))).containsExactly(mail, files);
    }

    @Test
    void whenIssuerRemovedThenItsSetsReturnedAndOthersKept() {
        TokenSet files = tokens("files", Set.of("read"), Optional.of(FILES));
        TokenSet mail = tokens("mail", Set.of("read"), Optional.of(MAIL));
        TokenSet elsewhere = new TokenSet(
                Secret.of("other"),
                Optional.empty(),
                Optional.empty(),
                Set.of(),
                "https://other.example.com",
                Optional.empty(),
                "portico-test");
        store.put("session-1", files);
        store.put("session-1", mail);
        store.put("session-1", elsewhere);
        store.put("session-2", files);

        assertThat(store.issuers("session-1")).containsExactly(ISSUER, "https://other.example.com");
        assertThat(store.removeIssuer("session-1", ISSUER)).containsExactly(files, mail);

        assertThat(store.issuers("session-1")).containsExactly("https://other.example.com");
        assertThat(store.find("session-1", ISSUER, Set.of())).isEmpty();
        assertThat(store.find("session-2", ISSUER, Set.of())).containsExactly(files);
        assertThat(store.removeIssuer("session-1", "https://other.example.com")).containsExactly(elsewhere);
        assertThat(store.ownerCount()).isEqualTo(1);
        assertThat(store.removeIssuer("session-3", ISSUER)).isEmpty();
    }

    @Test
    void whenOwnerExceedsBoundThenOldestDropped() {
        InMemoryTokenStore small = new InMemoryTokenStore(2);
        small.put("session-1", tokens("a", Set.of("a"), Optional.empty()));
        small.put("session-1", tokens("b", Set.of("b"), Optional.empty()));
        small.put("session-1", tokens("c", Set.of("c"), Optional.empty()));

        assertThat(small.find("session-1", ISSUER, Set.of()))
                .extracting(t -> t.accessToken().reveal())
                .containsExactly("c", "b");
    }

    @Test
    void whenTheTotalCapIsReachedThenTheLeastRecentlyStoredOfAnyOwnerIsDropped() {
        RecordedEvictions evictions = new RecordedEvictions();
        InMemoryTokenStore capped = new InMemoryTokenStore(10, 2, evictions);
        capped.put("session-1", tokens("a", Set.of("a"), Optional.empty()));
        capped.put("session-2", tokens("b", Set.of("b"), Optional.empty()));
        capped.put("session-1", tokens("a", Set.of("a"), Optional.empty())); // stored again: now the newest
        capped.put("session-3", tokens("c", Set.of("c"), Optional.empty()));

        assertThat(capped.find("session-2", ISSUER, Set.of())).isEmpty();
        assertThat(capped.find("session-1", ISSUER, Set.of())).hasSize(1);
        assertThat(capped.find("session-3", ISSUER, Set.of())).hasSize(1);
        assertThat(capped.size()).isEqualTo(2);
        assertThat(evictions.heard()).containsExactly("tokens/total-cap/1");
    }

    @Test
    void whenAnOwnerReachesItsCapThenTheListenerHearsOfIt() {
        RecordedEvictions evictions = new RecordedEvictions();
        InMemoryTokenStore capped = new InMemoryTokenStore(1, 10, evictions);
        capped.put("session-1", tokens("a", Set.of("a"), Optional.empty()));
        capped.put("session-1", tokens("b", Set.of("b"), Optional.empty()));

        assertThat(capped.find("session-1", ISSUER, Set.of()))
                .extracting(t -> t.accessToken().reveal())
                .containsExactly("b");
        assertThat(evictions.heard()).containsExactly("tokens/session-cap/1");
    }

    @Test
    void whenRemovedAfterReplacementThenReplacementSurvives() {
        TokenSet old = tokens("old", Set.of("read"), Optional.of(FILES));
        TokenSet fresh = tokens("new", Set.of("read"), Optional.of(FILES));
        store.put("session-1", old);
        store.put("session-1", fresh);

        store.remove("session-1", old);
        assertThat(store.find("session-1", ISSUER, Set.of())).containsExactly(fresh);

        store.remove("session-1", fresh);
        assertThat(store.find("session-1", ISSUER, Set.of())).isEmpty();
        assertThat(store.ownerCount()).isZero();
    }

    @Test
    void whenForgottenThenOnlyThatOwnerLosesTokens() {
        store.put("session-1", tokens("a", Set.of(), Optional.empty()));
        store.put("session-2", tokens("b", Set.of(), Optional.empty()));

        store.forget("session-1");

        assertThat(store.find("session-1", ISSUER, Set.of())).isEmpty();
        assertThat(store.find("session-2", ISSUER, Set.of())).hasSize(1);
    }

    @Test
    void whenRenewedThenTheResultReplacesTheStaleSet() throws Exception {
        TokenSet stale = tokens("old", Set.of("read"), Optional.of(FILES));
        TokenSet fresh = tokens("new", Set.of("read"), Optional.of(FILES));
        store.put("session-1", stale);

        assertThat(store.renew("session-1", stale, current -> fresh)).contains(fresh);
        assertThat(store.find("session-1", ISSUER, Set.of())).containsExactly(fresh);
    }

    @Test
    void whenTheSetWasRenewedOrDroppedMeanwhileThenRenewAnswersWhatIsHeldWithoutRenewing() throws Exception {
        TokenSet stale = tokens("old", Set.of("read"), Optional.of(FILES));
        TokenSet newer = tokens("newer", Set.of("read"), Optional.of(FILES));
        store.put("session-1", newer);
        TokenStore.Renewal mustNotRun = current -> {
            throw new AssertionError("renewal ran for " + current);
        };

        assertThat(store.renew("session-1", stale, mustNotRun)).contains(newer);
        store.forget("session-1");
        assertThat(store.renew("session-1", stale, mustNotRun)).isEmpty();
    }

    @Test
    void whenManyThreadsRenewOneSetThenTheRenewalRunsOnce() throws Exception {
        TokenSet stale = tokens("old", Set.of("read"), Optional.of(FILES));
        TokenSet fresh = tokens("new", Set.of("read"), Optional.of(FILES));
        store.put("session-1", stale);
        AtomicInteger renewals = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<TokenSet>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> store.renew("session-1", stale, current -> {
                    renewals.incrementAndGet();
                    return fresh;
                })));
            }
            for (Future<Optional<TokenSet>> result : results) {
                assertThat(result.get()).contains(fresh);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(renewals).hasValue(1);
    }

    @Test
    void whenTheRenewalFailsThenNothingChanges() {
        TokenSet stale = tokens("old", Set.of("read"), Optional.of(FILES));
        store.put("session-1", stale);

        assertThatThrownBy(() -> store.renew("session-1", stale, current -> {
                    throw TokenRequestException.errorResponse(ISSUER, 400, "invalid_grant", null);
                }))
                .isInstanceOf(TokenRequestException.class);
        assertThat(store.find("session-1", ISSUER, Set.of())).containsExactly(stale);
    }
}
