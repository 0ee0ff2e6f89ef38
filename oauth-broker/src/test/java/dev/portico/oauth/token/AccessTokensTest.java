package dev.portico.oauth.token;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.Secret;
import dev.portico.oauth.MutableClock;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.http.LoopbackServer;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.storage.StorageUnavailableException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

    private static final URI FILES = URI.create("https://files.example.com/mcp");
    private static final URI MAIL = URI.create("https://mail.example.com/mcp");
    private static final String OWNER = "session-1";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final InMemoryTokenStore store = new InMemoryTokenStore();
    private MockOAuth2Server authorizationServer;
    private LoopbackServer loopback;
    private OutboundHttp http;
    private TokenClient client;
    private AccessTokens accessTokens;

    @BeforeEach
    void start() throws Exception {
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        loopback = LoopbackServer.start();
        http = new OutboundHttp(
                OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")));
        client = new TokenClient(http.nimbusSender(), clock);
        accessTokens = new AccessTokens(store, client, clock, Duration.ofSeconds(30), new AuthAudit(clock));
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        loopback.close();
        authorizationServer.shutdown();
    }

    private static ClientIdentity portico() {
        return ClientIdentity.publicClient(new ClientID("portico-test"), ClientIdentity.Source.CONFIGURED);
    }

    private TokenEndpoint mockEndpoint() {
        return new TokenEndpoint(
                authorizationServer.issuerUrl("default").toString(),
                authorizationServer.tokenEndpointUrl("default").uri(),
                portico());
    }

    /** An endpoint whose every use the test can count; it answers invalid_grant. */
    private TokenEndpoint countingEndpoint() {
        loopback.reply(
                "/token",
                new LoopbackServer.Reply(
                        400, Map.of("Content-Type", "application/json"), "{\"error\":\"invalid_grant\"}"));
        return new TokenEndpoint(mockEndpoint().issuer(), loopback.url("/token"), portico());
    }

    private TokenSet signedIn(URI resource) throws TokenRequestException {
        TokenSet tokens = client.exchangeCode(
                mockEndpoint(),
                Secret.of("code"),
                URI.create("http://127.0.0.1:1/cb"),
                Secret.of("v".repeat(43)),
                Optional.of(resource),
                List.of("openid"));
        store.put(OWNER, tokens);
        return tokens;
    }

    private TokenSet held(TokenEndpoint endpoint, Optional<Secret> refresh, Duration lifetime, URI resource) {
        TokenSet tokens = new TokenSet(
                Secret.of("held-access"),
                refresh,
                Optional.of(clock.instant().plus(lifetime)),
                Set.of("openid"),
                endpoint.issuer(),
                Optional.of(resource),
                "portico-test");
        store.put(OWNER, tokens);
        return tokens;
    }

    @Test
    void whenTokenForThisResourceIsValidThenUsedWithoutNetwork() {
        TokenEndpoint endpoint = countingEndpoint();
        TokenSet tokens = held(endpoint, Optional.of(Secret.of("r")), Duration.ofHours(1), FILES);

        Optional<TokenSet> found =
                accessTokens.find(OWNER, new TokenNeed("files", endpoint, Set.of("openid"), Optional.of(FILES)));

        assertThat(found).contains(tokens);
        assertThat(loopback.count("/token")).isZero();
    }

    @Test
    void whenAnotherOwnerAsksThenNothing() {
        TokenEndpoint endpoint = countingEndpoint();
        held(endpoint, Optional.empty(), Duration.ofHours(1), FILES);

        assertThat(accessTokens.find("session-2", new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES))))
                .isEmpty();
    }

    @Test
    void whenExpiredWithoutRefreshTokenThenDropped() {
        TokenEndpoint endpoint = countingEndpoint();
        held(endpoint, Optional.empty(), Duration.ofMinutes(5), FILES);
        clock.advance(Duration.ofMinutes(5));

        assertThat(accessTokens.find(OWNER, new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES))))
                .isEmpty();
        assertThat(store.find(OWNER, endpoint.issuer(), Set.of())).isEmpty();
        assertThat(loopback.count("/token")).isZero();
    }

    @Test
    void whenExpiredAndRefreshRejectedThenDropped() {
        TokenEndpoint endpoint = countingEndpoint();
        held(endpoint, Optional.of(Secret.of("revoked")), Duration.ofMinutes(5), FILES);
        clock.advance(Duration.ofMinutes(5));

        assertThat(accessTokens.find(OWNER, new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES))))
                .isEmpty();
        assertThat(store.find(OWNER, endpoint.issuer(), Set.of())).isEmpty();
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenExpiringWithRefreshTokenThenRenewed() throws Exception {
        TokenSet first = signedIn(FILES);
        clock.advance(Duration.between(clock.instant(), first.expiresAt().orElseThrow()));

        Optional<TokenSet> found =
                accessTokens.find(OWNER, new TokenNeed("files", mockEndpoint(), Set.of(), Optional.of(FILES)));

        assertThat(found).isPresent();
        assertThat(found.get().accessToken()).isNotEqualTo(first.accessToken());
        assertThat(found.get().expiresAt().orElseThrow()).isAfter(clock.instant());
        assertThat(store.find(OWNER, mockEndpoint().issuer(), Set.of())).containsExactly(found.get());
    }

    @Test
    void whenAnotherReplicaRenewedTheSetMeanwhileThenItsResultIsUsedWithoutARequest() {
        TokenEndpoint endpoint = countingEndpoint();
        TokenSet stale = held(endpoint, Optional.of(Secret.of("r")), Duration.ofSeconds(5), FILES);
        TokenSet renewedElsewhere = new TokenSet(
                Secret.of("renewed-elsewhere"),
                Optional.of(Secret.of("r2")),
                Optional.of(clock.instant().plus(Duration.ofHours(1))),
                stale.scopes(),
                stale.issuer(),
                stale.resource(),
                stale.clientId());
        // The other replica's renewal lands while this one waits for the store's lock.
        AccessTokens replica = new AccessTokens(
                new DelegatingStore(store) {
                    @Override
                    public Optional<TokenSet> renew(String owner, TokenSet old, Renewal renewal)
                            throws TokenRequestException {
                        store.put(owner, renewedElsewhere);
                        return store.renew(owner, old, renewal);
                    }
                },
                client,
                clock,
                Duration.ofSeconds(30),
                new AuthAudit(clock));

        Optional<TokenSet> found =
                replica.find(OWNER, new TokenNeed("files", endpoint, Set.of("openid"), Optional.of(FILES)));

        assertThat(found).contains(renewedElsewhere);
        assertThat(loopback.count("/token")).isZero();
    }

    @Test
    void whenTheStoreFailsAfterARefreshThenTheNewTokenServesThisCallAndTheOldSetStays() throws Exception {
        TokenSet first = signedIn(FILES);
        clock.advance(Duration.between(clock.instant(), first.expiresAt().orElseThrow()));
        AccessTokens storeDown = new AccessTokens(
                new DelegatingStore(store) {
                    @Override
                    public Optional<TokenSet> renew(String owner, TokenSet old, Renewal renewal)
                            throws TokenRequestException {
                        renewal.renew(old);
                        throw new StorageUnavailableException("storage: renewing a token set failed (SQLState 08006)");
                    }
                },
                client,
                clock,
                Duration.ofSeconds(30),
                new AuthAudit(clock));

        Optional<TokenSet> found =
                storeDown.find(OWNER, new TokenNeed("files", mockEndpoint(), Set.of(), Optional.of(FILES)));

        assertThat(found).isPresent();
        assertThat(found.get().accessToken()).isNotEqualTo(first.accessToken());
        assertThat(store.find(OWNER, mockEndpoint().issuer(), Set.of())).containsExactly(first);
    }

    @Test
    void whenTokenIsForOtherResourceThenExchangedForThisOneAndKeptBeside() throws Exception {
        TokenSet files = signedIn(FILES);

        Optional<TokenSet> mail =
                accessTokens.find(OWNER, new TokenNeed("mail", mockEndpoint(), Set.of("openid"), Optional.of(MAIL)));

        assertThat(mail).isPresent();
        assertThat(mail.get().resource()).contains(MAIL);
        assertThat(mail.get().accessToken()).isNotEqualTo(files.accessToken());
        assertThat(store.find(OWNER, mockEndpoint().issuer(), Set.of())).hasSize(2);
        assertThat(accessTokens.find(OWNER, new TokenNeed("files", mockEndpoint(), Set.of(), Optional.of(FILES))))
                .contains(files);
    }

    @Test
    void whenTokenIsForOtherResourceWithoutRefreshTokenThenReusedAsIs() {
        TokenEndpoint endpoint = countingEndpoint();
        TokenSet files = held(endpoint, Optional.empty(), Duration.ofHours(1), FILES);

        assertThat(accessTokens.find(OWNER, new TokenNeed("mail", endpoint, Set.of(), Optional.of(MAIL))))
                .contains(files);
        assertThat(loopback.count("/token")).isZero();
    }

    @Test
    void whenScopesNotCoveredThenNothing() {
        TokenEndpoint endpoint = countingEndpoint();
        held(endpoint, Optional.empty(), Duration.ofHours(1), FILES);

        assertThat(accessTokens.find(OWNER, new TokenNeed("files", endpoint, Set.of("admin"), Optional.of(FILES))))
                .isEmpty();
    }

    /** An endpoint whose every use the test can count; it issues a fresh token each time. */
    private TokenEndpoint renewingEndpoint() {
        AtomicInteger issued = new AtomicInteger();
        loopback.behave(
                "/token",
                (request, response, callback) -> LoopbackServer.send(
                        response,
                        callback,
                        LoopbackServer.Reply.json("{\"access_token\":\"renewed-" + issued.incrementAndGet()
                                + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}")));
        return new TokenEndpoint(mockEndpoint().issuer(), loopback.url("/token"), portico());
    }

    @Test
    void whenTokenExpiresWithinTheMarginThenRenewedAndNotBefore() {
        TokenEndpoint endpoint = renewingEndpoint();
        held(endpoint, Optional.of(Secret.of("r")), Duration.ofMinutes(2), FILES);
        AccessTokens withMinuteMargin =
                new AccessTokens(store, client, clock, Duration.ofMinutes(1), new AuthAudit(clock));
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));

        assertThat(withMinuteMargin.find(OWNER, need).orElseThrow().accessToken())
                .isEqualTo(Secret.of("held-access"));
        clock.advance(Duration.ofSeconds(61));

        assertThat(withMinuteMargin.find(OWNER, need).orElseThrow().accessToken())
                .isEqualTo(Secret.of("renewed-1"));
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenManyCallsFindTheSameExpiredTokenThenOneRefreshServesThemAll() throws Exception {
        TokenEndpoint endpoint = renewingEndpoint();
        held(endpoint, Optional.of(Secret.of("r")), Duration.ofMinutes(5), FILES);
        clock.advance(Duration.ofMinutes(5));
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));
        int calls = 8;
        ExecutorService threads = Executors.newFixedThreadPool(calls);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Optional<TokenSet>>> found = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                found.add(threads.submit(() -> {
                    go.await();
                    return accessTokens.find(OWNER, need);
                }));
            }
            go.countDown();
            for (Future<Optional<TokenSet>> each : found) {
                assertThat(each.get(10, TimeUnit.SECONDS).orElseThrow().accessToken())
                        .isEqualTo(Secret.of("renewed-1"));
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenAValidTokenIsRefusedThenRenewedAtOnce() {
        TokenEndpoint endpoint = renewingEndpoint();
        TokenSet refused = held(endpoint, Optional.of(Secret.of("r")), Duration.ofHours(1), FILES);
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));

        Optional<TokenSet> renewed = accessTokens.renewRefused(OWNER, need, refused.accessToken());

        assertThat(renewed.orElseThrow().accessToken()).isEqualTo(Secret.of("renewed-1"));
        assertThat(renewed.get().refreshToken()).contains(Secret.of("r"));
        assertThat(store.find(OWNER, endpoint.issuer(), Set.of())).containsExactly(renewed.get());
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenTheRefusedTokenWasRenewedMeanwhileThenThatRenewalIsTheAnswer() {
        TokenEndpoint endpoint = renewingEndpoint();
        TokenSet refused = held(endpoint, Optional.of(Secret.of("r")), Duration.ofHours(1), FILES);
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));
        TokenSet first =
                accessTokens.renewRefused(OWNER, need, refused.accessToken()).orElseThrow();

        Optional<TokenSet> second = accessTokens.renewRefused(OWNER, need, refused.accessToken());

        assertThat(second).contains(first);
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenARefusedTokenCannotBeRenewedThenDropped() {
        TokenEndpoint endpoint = countingEndpoint();
        TokenSet refused = held(endpoint, Optional.of(Secret.of("revoked")), Duration.ofHours(1), FILES);
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));

        assertThat(accessTokens.renewRefused(OWNER, need, refused.accessToken()))
                .isEmpty();
        assertThat(store.find(OWNER, endpoint.issuer(), Set.of())).isEmpty();
        assertThat(loopback.count("/token")).isEqualTo(1);
    }

    @Test
    void whenARefusedTokenHasNoRefreshTokenThenDroppedWithoutARequest() {
        TokenEndpoint endpoint = countingEndpoint();
        TokenSet refused = held(endpoint, Optional.empty(), Duration.ofHours(1), FILES);
        TokenNeed need = new TokenNeed("files", endpoint, Set.of(), Optional.of(FILES));

        assertThat(accessTokens.renewRefused(OWNER, need, refused.accessToken()))
                .isEmpty();
        assertThat(store.find(OWNER, endpoint.issuer(), Set.of())).isEmpty();
        assertThat(loopback.count("/token")).isZero();
    }

    /** A store that passes everything to another; tests override what a shared store does differently. */
    private static class DelegatingStore implements TokenStore {
        private final TokenStore delegate;

        DelegatingStore(TokenStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void put(String owner, TokenSet tokens) {
            delegate.put(owner, tokens);
        }

        @Override
        public List<TokenSet> find(String owner, String issuer, Set<String> requiredScopes) {
            return delegate.find(owner, issuer, requiredScopes);
        }

        @Override
        public void remove(String owner, TokenSet tokens) {
            delegate.remove(owner, tokens);
        }

        @Override
        public Set<String> issuers(String owner) {
            return delegate.issuers(owner);
        }

        @Override
        public List<TokenSet> removeIssuer(String owner, String issuer) {
            return delegate.removeIssuer(owner, issuer);
        }

        @Override
        public void forget(String owner) {
            delegate.forget(owner);
        }

        @Override
        public Optional<TokenSet> renew(String owner, TokenSet stale, Renewal renewal) throws TokenRequestException {
            return delegate.renew(owner, stale, renewal);
        }
    }
}
