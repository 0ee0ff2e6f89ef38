package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.LimitsConfig;
import dev.portico.config.Secret;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresTokenStoreTest {

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;
    private static TokenStore store;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
        store = storage.tokenStore();
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void setsReadBackEqualMostRecentlyStoredFirstAndOnlyThoseThatCoverTheScopes() {
        String owner = Fixtures.owner();
        TokenSet read = Fixtures.tokens(Set.of("files.read"), Optional.of(Fixtures.RESOURCE));
        TokenSet readWrite = Fixtures.tokens(Set.of("files.read", "files.write"), Optional.empty());
        TokenSet noScopes = new TokenSet(
                Secret.of("bare-access"),
                Optional.empty(),
                Optional.empty(),
                Set.of(),
                Fixtures.ISSUER,
                Optional.empty(),
                "public-client");
        store.put(owner, read);
        store.put(owner, readWrite);
        store.put(owner, noScopes);

        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactly(noScopes, readWrite, read);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of("files.read"))).containsExactly(readWrite, read);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of("files.write"))).containsExactly(readWrite);
        assertThat(store.find(owner, "https://other.example.com", Set.of())).isEmpty();
        assertThat(store.find(Fixtures.owner(), Fixtures.ISSUER, Set.of())).isEmpty();
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())
                        .get(1)
                        .refreshToken()
                        .orElseThrow()
                        .reveal())
                .isEqualTo(readWrite.refreshToken().orElseThrow().reveal());
    }

    @Test
    void theSweepDropsSetsLongExpiredAndKeepsTheRest() {
        String owner = Fixtures.owner();
        TokenSet abandoned = withExpiry(
                Fixtures.tokens(Set.of("old"), Optional.empty()),
                Instant.now().minus(PostgresStorage.ABANDONED_TOKEN_RETENTION).minus(Duration.ofDays(1)));
        TokenSet expiredYesterday = withExpiry(
                Fixtures.tokens(Set.of("recent"), Optional.empty()),
                Instant.now().minus(Duration.ofDays(1)));
        TokenSet noExpiry = new TokenSet(
                Secret.of("no-expiry-access"),
                Optional.empty(),
                Optional.empty(),
                Set.of("forever"),
                Fixtures.ISSUER,
                Optional.empty(),
                "public-client");
        store.put(owner, abandoned);
        store.put(owner, expiredYesterday);
        store.put(owner, noExpiry);

        int swept = ((PostgresTokenStore) store).sweepAbandoned(PostgresStorage.ABANDONED_TOKEN_RETENTION);

        assertThat(swept).isGreaterThanOrEqualTo(1);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactlyInAnyOrder(expiredYesterday, noExpiry);
    }

    private static TokenSet withExpiry(TokenSet tokens, Instant expiresAt) {
        return new TokenSet(
                tokens.accessToken(),
                tokens.refreshToken(),
                Optional.of(expiresAt.truncatedTo(ChronoUnit.MICROS)),
                tokens.scopes(),
                tokens.issuer(),
                tokens.resource(),
                tokens.clientId());
    }

    @Test
    void aSetUnderTheSameKeyReplacesTheOldOneAndIsThenTheMostRecent() {
        String owner = Fixtures.owner();
        TokenSet first = Fixtures.tokens();
        TokenSet other = Fixtures.tokens(Set.of("mail"), Optional.empty());
        TokenSet second = Fixtures.refreshed(first);
        store.put(owner, first);
        store.put(owner, other);
        store.put(owner, second);

        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactly(second, other);
    }

    @Test
    void removeDropsASetOnlyWhileItIsStillTheOneHeld() {
        String owner = Fixtures.owner();
        TokenSet old = Fixtures.tokens();
        TokenSet renewed = Fixtures.refreshed(old);
        store.put(owner, old);
        store.put(owner, renewed);

        store.remove(owner, old);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactly(renewed);
        store.remove(owner, renewed);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).isEmpty();
    }

    @Test
    void issuersRemoveIssuerAndForget() {
        String owner = Fixtures.owner();
        TokenSet first = Fixtures.tokens(Set.of("a"), Optional.empty());
        TokenSet second = Fixtures.tokens(Set.of("b"), Optional.empty());
        TokenSet elsewhere = new TokenSet(
                Secret.of("elsewhere"),
                Optional.empty(),
                Optional.empty(),
                Set.of(),
                "https://other.example.com",
                Optional.empty(),
                "c");
        store.put(owner, first);
        store.put(owner, second);
        store.put(owner, elsewhere);

        assertThat(store.issuers(owner)).containsExactlyInAnyOrder(Fixtures.ISSUER, "https://other.example.com");
        assertThat(store.removeIssuer(owner, Fixtures.ISSUER)).containsExactly(first, second);
        assertThat(store.issuers(owner)).containsExactly("https://other.example.com");

        store.forget(owner);
        assertThat(store.issuers(owner)).isEmpty();
    }

    @Test
    void anOwnerKeepsAtMostItsCapOfNewestSets() {
        String owner = Fixtures.owner();
        List<TokenSet> sets = new ArrayList<>();
        for (int i = 0; i < LimitsConfig.defaults().maxTokenSetsPerSession() + 3; i++) {
            TokenSet tokens = Fixtures.tokens(Set.of("scope-" + i), Optional.empty());
            sets.add(tokens);
            store.put(owner, tokens);
        }
        List<TokenSet> held = store.find(owner, Fixtures.ISSUER, Set.of());
        assertThat(held).hasSize(LimitsConfig.defaults().maxTokenSetsPerSession());
        assertThat(held.get(0)).isEqualTo(sets.get(sets.size() - 1));
        assertThat(held).doesNotContain(sets.get(0), sets.get(1), sets.get(2));
    }

    @Test
    void renewReplacesTheHeldSetWithTheRenewalsResult() throws Exception {
        String owner = Fixtures.owner();
        TokenSet stale = Fixtures.tokens();
        store.put(owner, stale);
        TokenSet renewed = Fixtures.refreshed(stale);

        Optional<TokenSet> result = store.renew(owner, stale, current -> {
            assertThat(current).isEqualTo(stale);
            return renewed;
        });

        assertThat(result).contains(renewed);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactly(renewed);
    }

    @Test
    void renewOfASetRenewedOrDroppedMeanwhileAnswersWhatIsHeldWithoutRenewing() throws Exception {
        String owner = Fixtures.owner();
        TokenSet stale = Fixtures.tokens();
        TokenSet newer = Fixtures.refreshed(stale);
        store.put(owner, newer);
        AtomicInteger renewals = new AtomicInteger();

        assertThat(store.renew(owner, stale, current -> {
                    renewals.incrementAndGet();
                    return current;
                }))
                .contains(newer);

        store.forget(owner);
        assertThat(store.renew(owner, stale, current -> {
                    renewals.incrementAndGet();
                    return current;
                }))
                .isEmpty();
        assertThat(renewals).hasValue(0);
    }

    @Test
    void aFailedRenewalStoresNothingAndReachesTheCaller() {
        String owner = Fixtures.owner();
        TokenSet stale = Fixtures.tokens(Set.of("files.read"), Optional.of(URI.create("https://r.example.com")));
        store.put(owner, stale);

        assertThatThrownBy(() -> store.renew(owner, stale, current -> {
                    throw TokenRequestException.errorResponse(Fixtures.ISSUER, 400, "invalid_grant", null);
                }))
                .isInstanceOf(TokenRequestException.class);
        assertThat(store.find(owner, Fixtures.ISSUER, Set.of())).containsExactly(stale);
    }
}
