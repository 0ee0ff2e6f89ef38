package dev.portico.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portico.config.AuthGrant;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.OAuthConfig;
import dev.portico.config.Secret;
import dev.portico.config.TokenExchangeConfig;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.http.LoopbackServer;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.token.InMemoryTokenStore;
import dev.portico.oauth.token.TokenSet;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Machine upstreams through the broker, against mock-oauth2-server: a client credentials upstream ("reports") and a
 * token exchange upstream ("ledger") whose subject upstream is the interactive "calendar". Protected resource metadata
 * is served by a loopback server; the mock serves two issuers, "calendar-idp" (A) and "ledger-idp" (B).
 */
class MachineUpstreamsTest {

    private static final String OWNER = "session-aaaaaaaa-1111";
    private static final String OTHER_OWNER = "session-bbbbbbbb-2222";
    private static final Secret SECRET = Secret.of("bot-secret");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final InMemoryTokenStore tokens = new InMemoryTokenStore();
    private final ListAppender<ILoggingEvent> audit = new ListAppender<>();
    private MockOAuth2Server authorizationServer;
    private LoopbackServer resources;
    private OAuthBroker broker;

    @BeforeEach
    void start() throws Exception {
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        resources = LoopbackServer.start();
        for (String name : List.of("reports", "calendar", "ledger")) {
            String issuer = authorizationServer
                    .issuerUrl(name.equals("ledger") ? "ledger-idp" : "calendar-idp")
                    .toString();
            resources.reply(
                    "/.well-known/oauth-protected-resource/" + name,
                    LoopbackServer.Reply.json("{\"resource\":\"" + resources.origin() + "/" + name
                            + "\",\"authorization_servers\":[\"" + issuer + "\"]}"));
        }
        broker = OAuthBroker.create(BrokerSettings.of(
                        OAuthConfig.defaults(),
                        () -> URI.create("http://127.0.0.1:1"),
                        OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")))
                .withClock(clock)
                .withTokenStore(tokens));
        audit.start();
        ((Logger) LoggerFactory.getLogger(AuthAudit.LOGGER_NAME)).addAppender(audit);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(AuthAudit.LOGGER_NAME)).detachAppender(audit);
        broker.close();
        resources.close();
        authorizationServer.shutdown();
    }

    private ProtectedUpstream reports() {
        return new ProtectedUpstream(
                "reports",
                URI.create(resources.origin() + "/reports"),
                new UpstreamAuthConfig(
                        List.of("reports.read"),
                        Optional.empty(),
                        Optional.of("reports-bot"),
                        Optional.of(SECRET),
                        ClientAuthMethod.CLIENT_SECRET_BASIC,
                        true,
                        AuthGrant.CLIENT_CREDENTIALS,
                        Optional.empty()));
    }

    private ProtectedUpstream calendar() {
        return new ProtectedUpstream(
                "calendar",
                URI.create(resources.origin() + "/calendar"),
                new UpstreamAuthConfig(
                        List.of(),
                        Optional.empty(),
                        Optional.of("portico"),
                        Optional.empty(),
                        ClientAuthMethod.NONE,
                        true));
    }

    private ProtectedUpstream ledger() {
        return new ProtectedUpstream(
                "ledger",
                URI.create(resources.origin() + "/ledger"),
                new UpstreamAuthConfig(
                        List.of(),
                        Optional.empty(),
                        Optional.of("portico-at-ledger"),
                        Optional.of(SECRET),
                        ClientAuthMethod.CLIENT_SECRET_BASIC,
                        true,
                        AuthGrant.AUTHORIZATION_CODE,
                        Optional.of(new TokenExchangeConfig("calendar", Optional.of("ledger-api"), List.of()))));
    }

    private static JWTClaimsSet claims(Secret token) throws Exception {
        return SignedJWT.parse(token.reveal()).getJWTClaimsSet();
    }

    /** Drains the mock's recorded requests and answers the bodies of its token requests. */
    private List<String> tokenRequestBodies() throws InterruptedException {
        List<String> bodies = new java.util.ArrayList<>();
        while (true) {
            RecordedRequest request;
            try {
                request = authorizationServer.takeRequest(100, TimeUnit.MILLISECONDS);
            } catch (RuntimeException queueEmpty) {
                // The mock says so by throwing: every request made so far has been taken.
                return bodies;
            }
            if (request.getPath() != null && request.getPath().endsWith("/token")) {
                bodies.add(request.getBody().readUtf8());
            }
        }
    }

    /** Gives OWNER a token from a sign-in at calendar's issuer, as the callback would have stored. */
    private void signedInToCalendar(String owner, String subject) {
        String issuer = authorizationServer.issuerUrl("calendar-idp").toString();
        Secret token = Secret.of(authorizationServer
                .issueToken("calendar-idp", subject, resources.origin() + "/calendar")
                .serialize());
        tokens.put(
                owner,
                new TokenSet(
                        token,
                        Optional.empty(),
                        Optional.of(clock.instant().plus(Duration.ofHours(1))),
                        Set.of(),
                        issuer,
                        Optional.of(URI.create(resources.origin() + "/calendar")),
                        "portico"));
    }

    @Test
    void whenAClientCredentialsUpstreamIsCalledThenPorticosOwnTokenServesEverySession() throws Exception {
        Optional<Secret> first = broker.accessToken(OWNER, reports());
        Optional<Secret> second = broker.accessToken(OTHER_OWNER, reports());

        assertThat(first).isPresent();
        assertThat(second).isEqualTo(first);
        assertThat(claims(first.get()).getSubject()).isEqualTo("reports-bot");
        List<String> bodies = tokenRequestBodies();
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0))
                .contains("grant_type=client_credentials")
                .contains("scope=reports.read")
                .contains("resource="
                        + java.net.URLEncoder.encode(
                                resources.origin() + "/reports", java.nio.charset.StandardCharsets.UTF_8))
                .doesNotContain("bot-secret");
        assertThat(audit.list)
                .anyMatch(e -> e.getFormattedMessage().contains("\"event\":\"client_credentials\"")
                        && e.getFormattedMessage().contains("\"outcome\":\"ok\""));
    }

    @Test
    void whenTheTokenNearsExpiryThenANewOneIsFetched() throws Exception {
        Secret first = broker.accessToken(OWNER, reports()).orElseThrow();

        clock.advance(Duration.ofMinutes(30));
        Secret stillFirst = broker.accessToken(OWNER, reports()).orElseThrow();
        clock.advance(Duration.ofMinutes(29).plusSeconds(45));
        Secret renewed = broker.accessToken(OWNER, reports()).orElseThrow();

        assertThat(stillFirst).isEqualTo(first);
        assertThat(renewed).isNotEqualTo(first);
        assertThat(tokenRequestBodies()).hasSize(2);
    }

    @Test
    void whenTheUpstreamRefusesTheTokenThenANewOneIsFetchedInsteadOfASignIn() throws Exception {
        Secret refused = broker.accessToken(OWNER, reports()).orElseThrow();

        SignInOutcome outcome = broker.onUnauthorized(OWNER, reports(), 401, List.of("Bearer"));

        assertThat(outcome).isInstanceOf(SignInOutcome.Authorized.class);
        Secret fresh = ((SignInOutcome.Authorized) outcome).accessToken();
        assertThat(fresh).isNotEqualTo(refused);
        assertThat(broker.accessToken(OTHER_OWNER, reports())).contains(fresh);
    }

    @Test
    void whenTheTokenEndpointRefusesTheClientThenTheOutcomeNamesTheError() throws Exception {
        LoopbackServer strictServer = LoopbackServer.start();
        try {
            String issuer = strictServer.origin();
            strictServer.reply(
                    "/.well-known/oauth-authorization-server",
                    LoopbackServer.Reply.json("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer
                            + "/authorize\",\"token_endpoint\":\"" + issuer
                            + "/token\",\"code_challenge_methods_supported\":[\"S256\"]}"));
            strictServer.reply(
                    "/token",
                    new LoopbackServer.Reply(
                            401,
                            Map.of("Content-Type", "application/json"),
                            "{\"error\":\"invalid_client\",\"error_description\":\"wrong secret\"}"));
            UpstreamAuthConfig pinned = new UpstreamAuthConfig(
                    List.of(),
                    Optional.of(URI.create(issuer)),
                    Optional.of("reports-bot"),
                    Optional.of(SECRET),
                    ClientAuthMethod.CLIENT_SECRET_BASIC,
                    true,
                    AuthGrant.CLIENT_CREDENTIALS,
                    Optional.empty());
            ProtectedUpstream upstream =
                    new ProtectedUpstream("reports", URI.create(resources.origin() + "/elsewhere"), pinned);

            assertThat(broker.accessToken(OWNER, upstream)).isEmpty();
            SignInOutcome outcome = broker.onUnauthorized(OWNER, upstream, 401, List.of("Bearer"));

            assertThat(outcome).isInstanceOf(SignInOutcome.Failed.class);
            assertThat(((SignInOutcome.Failed) outcome).reason())
                    .contains("reports")
                    .contains("invalid_client")
                    .doesNotContain("bot-secret");
            assertThat(audit.list)
                    .anyMatch(e -> e.getFormattedMessage().contains("\"event\":\"client_credentials\"")
                            && e.getFormattedMessage().contains("\"error\":\"invalid_client\""));
        } finally {
            strictServer.close();
        }
    }

    @Test
    void whenTheSessionHoldsTheSubjectTokenThenItIsExchangedOnceAndKeepsTheUser() throws Exception {
        signedInToCalendar(OWNER, "alice");
        assertThat(broker.onUnauthorized(OWNER, calendar(), 401, List.of("Bearer")))
                .isInstanceOf(SignInOutcome.Authorized.class);
        tokenRequestBodies();

        Secret exchanged = broker.accessToken(OWNER, ledger()).orElseThrow();
        Secret again = broker.accessToken(OWNER, ledger()).orElseThrow();

        JWTClaimsSet claims = claims(exchanged);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getIssuer())
                .isEqualTo(authorizationServer.issuerUrl("ledger-idp").toString());
        assertThat(again).isEqualTo(exchanged);
        List<String> bodies = tokenRequestBodies();
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0))
                .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange")
                .contains("subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token")
                .contains("audience=ledger-api")
                .contains("resource=");
        assertThat(audit.list).anyMatch(e -> e.getFormattedMessage().contains("\"event\":\"token_exchange\""));
    }

    @Test
    void whenTheExchangedTokenIsRefusedThenItIsExchangedAgain() throws Exception {
        signedInToCalendar(OWNER, "alice");
        broker.onUnauthorized(OWNER, calendar(), 401, List.of("Bearer"));
        Secret refused = broker.accessToken(OWNER, ledger()).orElseThrow();

        SignInOutcome outcome = broker.onUnauthorized(OWNER, ledger(), 401, List.of("Bearer"));

        assertThat(outcome).isInstanceOf(SignInOutcome.Authorized.class);
        assertThat(((SignInOutcome.Authorized) outcome).accessToken()).isNotEqualTo(refused);
    }

    @Test
    void whenAnotherSessionHoldsNoSubjectTokenThenItIsSentToSignInToTheSubjectUpstream() throws Exception {
        signedInToCalendar(OWNER, "alice");
        broker.onUnauthorized(OWNER, calendar(), 401, List.of("Bearer"));
        broker.accessToken(OWNER, ledger()).orElseThrow();

        assertThat(broker.accessToken(OTHER_OWNER, ledger())).isEmpty();
        SignInOutcome outcome = broker.onUnauthorized(OTHER_OWNER, ledger(), 401, List.of("Bearer"));

        assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
        SignInOutcome.SignInRequired required = (SignInOutcome.SignInRequired) outcome;
        assertThat(required.upstream()).isEqualTo("calendar");
        assertThat(required.issuer())
                .isEqualTo(authorizationServer.issuerUrl("calendar-idp").toString());
    }

    @Test
    void whenTheSubjectUpstreamWasNeverSeenThenTheOutcomeSaysToSignInThereFirst() {
        SignInOutcome outcome = broker.onUnauthorized(OWNER, ledger(), 401, List.of("Bearer"));

        assertThat(outcome).isInstanceOf(SignInOutcome.Failed.class);
        assertThat(((SignInOutcome.Failed) outcome).reason()).contains("sign in to 'calendar' first");
    }

    @Test
    void whenTheSessionEndsThenItsExchangedTokenIsForgotten() throws Exception {
        signedInToCalendar(OWNER, "alice");
        broker.onUnauthorized(OWNER, calendar(), 401, List.of("Bearer"));
        broker.accessToken(OWNER, ledger()).orElseThrow();

        broker.forget(OWNER);

        assertThat(broker.accessToken(OWNER, ledger())).isEmpty();
    }
}
