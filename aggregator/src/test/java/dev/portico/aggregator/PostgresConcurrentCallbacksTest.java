package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.leaks.OAuthEndToEnd;
import dev.portico.aggregator.testing.BrokerOnLoopback;
import dev.portico.aggregator.testing.Browser;
import dev.portico.config.LimitsConfig;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.OAuthBroker;
import dev.portico.oauth.ProtectedUpstream;
import dev.portico.oauth.SignInOutcome;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.store.postgres.EmbeddedDatabase;
import dev.portico.store.postgres.PostgresStorage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A thousand sign-ins started on one replica and finished at the callbacks of two, all at once, through one
 * PostgreSQL: every owner ends up with exactly one token, and no two owners with the same one.
 *
 * <p>A crossed sign-in cannot slip through: the identity provider enforces PKCE, so a code is only exchanged with the
 * verifier of its own sign-in, and the owner a token is stored for comes from that same sign-in.
 */
@OAuthEndToEnd
class PostgresConcurrentCallbacksTest {

    private static final int SIGN_INS = 1_000;
    private static final int BROWSERS = 16;
    private static final String CALLBACK_PATH = "/oauth/callback";
    /** A thousand sign-ins from one loopback address in seconds: a load test, not abuse. */
    private static final LimitsConfig NO_RATE_LIMITS = LimitsConfig.defaults().withSignInRates(0, 0, 0);

    @Test
    void aThousandConcurrentCallbacksOnTwoReplicasLoseAndCrossNothing() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start();
                PostgresStorage storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
                SignInWorld world = new SignInWorld(idp -> idp.clientIdMetadataDocuments(false))) {
            ProtectedDemoUpstream calendar = world.upstream("calendar", u -> {});
            BrokerOnLoopback first = new BrokerOnLoopback(settings -> settings.withSignInStore(storage.signInStore())
                    .withTokenStore(storage.tokenStore())
                    .withRegistrationStore(storage.registrationStore())
                    .withLimits(NO_RATE_LIMITS, EvictionListener.NONE));
            BrokerOnLoopback second = new BrokerOnLoopback(settings -> settings.withSignInStore(storage.signInStore())
                    .withTokenStore(storage.tokenStore())
                    .withRegistrationStore(storage.registrationStore())
                    .withLimits(NO_RATE_LIMITS, EvictionListener.NONE));
            try (first;
                    second) {
                ProtectedUpstream upstream =
                        new ProtectedUpstream("calendar", calendar.mcpUrl(), UpstreamAuthConfig.discovered());
                List<String> challenge = challenge(calendar);
                List<URI> links = new ArrayList<>();
                for (int i = 0; i < SIGN_INS; i++) {
                    SignInOutcome outcome = first.broker().onUnauthorized(owner(i), upstream, 401, challenge);
                    links.add(((SignInOutcome.SignInRequired) outcome).startUrl());
                }

                ExecutorService browsers = Executors.newFixedThreadPool(BROWSERS);
                List<Future<Integer>> pages = new ArrayList<>();
                for (int i = 0; i < SIGN_INS; i++) {
                    URI link = links.get(i);
                    BrokerOnLoopback callbackHost = i % 2 == 0 ? first : second;
                    pages.add(browsers.submit(() -> finish(link, callbackHost)));
                }
                browsers.shutdown();
                for (Future<Integer> page : pages) {
                    assertThat(page.get()).isEqualTo(200);
                }

                Set<String> tokens = new HashSet<>();
                for (int i = 0; i < SIGN_INS; i++) {
                    OAuthBroker reader = i % 2 == 0 ? second.broker() : first.broker();
                    tokens.add(
                            reader.accessToken(owner(i), upstream).orElseThrow().reveal());
                    assertThat(storage.tokenStore()
                                    .find(owner(i), world.idp.issuer().toString(), Set.of()))
                            .hasSize(1);
                }
                assertThat(tokens).as("one distinct token per owner").hasSize(SIGN_INS);
            }
        }
    }

    /** A browser of its own follows the link to the identity provider and back to {@code callbackHost}. */
    private static int finish(URI link, BrokerOnLoopback callbackHost) {
        Browser browser = new Browser();
        URI callback = browser.openUntil(link, url -> url.getPath().equals(CALLBACK_PATH))
                .stoppedAt();
        URI routed = URI.create(callbackHost.baseUri() + callback.getRawPath() + "?" + callback.getRawQuery());
        return browser.open(routed).status();
    }

    private static String owner(int i) {
        return "session-" + i + "-" + Integer.toHexString(31 * i + 7);
    }

    private static List<String> challenge(ProtectedDemoUpstream calendar) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(calendar.mcpUrl())
                                .timeout(Duration.ofSeconds(10))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(401);
        return response.headers().allValues("WWW-Authenticate");
    }
}
