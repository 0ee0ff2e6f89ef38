package dev.portico.bench;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.token.AccessTokens;
import dev.portico.oauth.token.InMemoryTokenStore;
import dev.portico.oauth.token.TokenClient;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenNeed;
import dev.portico.oauth.token.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The OAuth broker's work on the path of a call, without network: finding the token a session holds for an upstream
 * (the lookup every forwarded request makes once a session signed in), and creating a challenge when it holds none
 * (state, PKCE verifier and challenge, authorization URL). The store holds 1,000 sessions with three issuers each, so
 * the lookup is not the only entry. Targets: lookup at most 1 µs, challenge at most 20 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OAuthHotPathBenchmark {

    private static final int SESSIONS = 1_000;
    private static final List<String> ISSUERS =
            List.of("https://idp-a.example", "https://idp-b.example", "https://idp-c.example");
    private static final URI RESOURCE = URI.create("https://calendar.example/mcp");

    private AccessTokens tokens;
    private TokenNeed need;
    private String owner;
    private SignInTarget target;
    private URI redirectUri;
    private Instant now;

    @Setup
    public void setUp() {
        Clock clock = Clock.systemUTC();
        now = clock.instant();
        InMemoryTokenStore store = new InMemoryTokenStore();
        for (int session = 0; session < SESSIONS; session++) {
            for (String issuer : ISSUERS) {
                store.put(sessionId(session), tokenSet(issuer, now.plus(Duration.ofHours(1))));
            }
        }
        TokenClient noNetwork = new TokenClient(
                request -> {
                    throw new IOException("the benchmark makes no token requests");
                },
                clock);
        tokens = new AccessTokens(store, noNetwork, clock, Duration.ofMinutes(1), new AuthAudit(clock));
        TokenEndpoint endpoint = new TokenEndpoint(
                ISSUERS.get(1),
                URI.create(ISSUERS.get(1) + "/token"),
                ClientIdentity.publicClient(new ClientID("portico"), ClientIdentity.Source.CONFIGURED));
        owner = sessionId(SESSIONS / 2);
        need = new TokenNeed("calendar", endpoint, Set.of("calendar.read"), Optional.of(RESOURCE));
        target = new SignInTarget(
                "calendar",
                RESOURCE,
                true,
                List.of("calendar.read"),
                Set.of("calendar.read"),
                URI.create(ISSUERS.get(1) + "/authorize"),
                endpoint,
                true);
        redirectUri = URI.create("https://portico.example/oauth/callback");
    }

    private static String sessionId(int i) {
        return String.format("%032x", i * 2_654_435_761L);
    }

    private static TokenSet tokenSet(String issuer, Instant expiresAt) {
        return new TokenSet(
                Secret.of("access-" + issuer),
                Optional.of(Secret.of("refresh-" + issuer)),
                Optional.of(expiresAt),
                Set.of("calendar.read"),
                issuer,
                Optional.of(RESOURCE),
                "portico");
    }

    @Benchmark
    public Optional<TokenSet> tokenLookup() {
        return tokens.find(owner, need);
    }

    @Benchmark
    public PendingSignIn challengeCreation() {
        return PendingSignIn.start(owner, target, redirectUri, now, Duration.ofMinutes(10));
    }
}
