package dev.portico.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.oauth2.sdk.util.URLUtils;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.OAuthConfig;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.flow.UnreachableSignInStore;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.token.InMemoryTokenStore;
import dev.portico.oauth.token.TokenSet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The whole sign-in against a real authorization server (mock-oauth2-server, which approves {@code /authorize} at
 * once and enforces PKCE), with Portico's start and callback servlets and the upstreams' protected resource metadata
 * on a real Jetty server, and a JDK HTTP client with a cookie jar as the browser.
 */
class OAuthBrokerTest {

    private static final String OWNER = "session-aaaaaaaa-1111";
    private static final String OTHER_OWNER = "session-bbbbbbbb-2222";
    private static final UpstreamAuthConfig AUTH = new UpstreamAuthConfig(
            List.of(), Optional.empty(), Optional.of("portico-test"), Optional.empty(), ClientAuthMethod.NONE, true);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
    private final Map<String, String> documents = new ConcurrentHashMap<>();
    private final List<SignedIn> signedIn = new CopyOnWriteArrayList<>();
    private final InMemoryTokenStore tokenStore = new InMemoryTokenStore();
    private final List<Map<String, String>> revocations = new CopyOnWriteArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private MockOAuth2Server authorizationServer;
    private Server server;
    private OAuthBroker broker;
    private String base;
    private String issuer;

    @BeforeEach
    void start() throws Exception {
        authorizationServer = new MockOAuth2Server();
        authorizationServer.start();
        issuer = authorizationServer.issuerUrl("default").toString();

        AtomicReference<URI> publicUrl = new AtomicReference<>();
        broker = OAuthBroker.create(BrokerSettings.of(
                        OAuthConfig.defaults(),
                        publicUrl::get,
                        OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")))
                .withClock(clock)
                .withTokenStore(tokenStore));
        broker.addListener(signedIn::add);

        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(broker.startServlet()), "/oauth/start/*");
        context.addServlet(new ServletHolder(broker.callbackServlet()), "/oauth/callback");
        context.addServlet(new ServletHolder(new DocumentServlet(documents)), "/.well-known/*");
        context.addServlet(new ServletHolder(new RevocationServlet(revocations)), "/revoke");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
        publicUrl.set(URI.create(base));

        documents.put("/.well-known/oauth-protected-resource/files", metadata("/files", "files.read"));
        documents.put("/.well-known/oauth-protected-resource/mail", metadata("/mail", "mail.read"));

        logs.start();
        ((Logger) LoggerFactory.getLogger("dev.portico")).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("dev.portico")).detachAppender(logs);
        broker.close();
        server.stop();
        authorizationServer.shutdown();
    }

    private String metadata(String path, String scope) {
        return metadata(path, issuer, scope);
    }

    private String metadata(String path, String authorizationServer, String scope) {
        return "{\"resource\":\"" + base + path + "\",\"authorization_servers\":[\"" + authorizationServer
                + "\"],\"scopes_supported\":[\"openid\",\"" + scope + "\"]}";
    }

    private ProtectedUpstream upstream(String name) {
        return new ProtectedUpstream(name, URI.create(base + "/" + name), AUTH);
    }

    private String challenge(String name) {
        return "Bearer resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/" + name + "\"";
    }

    private SignInOutcome.SignInRequired signInRequired(String owner, String name) {
        SignInOutcome outcome = broker.onUnauthorized(owner, upstream(name), 401, List.of(challenge(name)));
        assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
        return (SignInOutcome.SignInRequired) outcome;
    }

    /** Start link, authorization server, callback: the page the user ends on. */
    private HttpResponse<String> signIn(Browser browser, URI startUrl) throws Exception {
        HttpResponse<String> start = browser.get(startUrl);
        assertThat(start.statusCode()).isEqualTo(302);
        HttpResponse<String> authorize = browser.get(location(start));
        assertThat(authorize.statusCode()).isEqualTo(302);
        return browser.get(location(authorize));
    }

    private static URI location(HttpResponse<String> response) {
        return URI.create(response.headers().firstValue("Location").orElseThrow());
    }

    private static String stateOf(URI authorizationUrl) {
        return URLUtils.parseParameters(authorizationUrl.getRawQuery())
                .get("state")
                .get(0);
    }

    @Test
    void whenSignedInThenTokenHeldForThatOwnerOnly() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");

        assertThat(required.startUrl().toString()).startsWith(base + "/oauth/start/");
        assertThat(required.startUrl().getRawQuery()).isNull();
        assertThat(required.upstream()).isEqualTo("files");
        assertThat(required.issuer()).isEqualTo(issuer);
        assertThat(required.scopes()).containsExactly("openid", "files.read");
        assertThat(required.expiresAt()).isEqualTo(clock.instant().plus(OAuthConfig.DEFAULT_STATE_TTL));
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();

        HttpResponse<String> page = signIn(new Browser(), required.startUrl());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Signed in to files. You can return to your client.");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                .startsWith("default-src 'none'");
        assertThat(signedIn).containsExactly(new SignedIn(OWNER, "files", issuer, required.flowId()));

        Optional<Secret> token = broker.accessToken(OWNER, upstream("files"));
        assertThat(token).isPresent();
        assertThat(broker.accessToken(OTHER_OWNER, upstream("files"))).isEmpty();
        assertThat(logs.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains(token.get().reveal()))
                .noneMatch(line -> line.contains(OWNER))
                .anyMatch(
                        line -> line.startsWith("sign-in started upstream=files issuer=" + issuer + " owner=session-…"))
                .anyMatch(line ->
                        line.equals("sign-in callback ok upstream=files issuer=" + issuer + " owner=session-…"));
    }

    @Test
    void whenStartLinkOpenedThenCookieBindsTheBrowser() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser browser = new Browser();

        HttpResponse<String> start = browser.get(required.startUrl());

        String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie)
                .startsWith("portico_signin=")
                .contains("; Path=/oauth/")
                .contains("; Max-Age=600")
                .contains("; HttpOnly")
                .contains("; SameSite=Lax")
                .doesNotContain("Secure");
        assertThat(start.headers().firstValue("Cache-Control")).contains("no-store");
        URI authorizationUrl = location(start);
        assertThat(authorizationUrl.toString()).startsWith(issuer + "/authorize?");
        Map<String, List<String>> params = URLUtils.parseParameters(authorizationUrl.getRawQuery());
        assertThat(params.get("code_challenge_method")).containsExactly("S256");
        assertThat(params.get("resource")).containsExactly(base + "/files");
        assertThat(params.get("redirect_uri")).containsExactly(base + "/oauth/callback");
        assertThat(params).doesNotContainKey("code_verifier");
    }

    @Test
    void whenStartLinkOpenedAgainThenSameBrowserRedirectedAndOtherRefused() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser first = new Browser();
        first.get(required.startUrl());

        HttpResponse<String> again = first.get(required.startUrl());
        HttpResponse<String> other = new Browser().get(required.startUrl());

        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(other.statusCode()).isEqualTo(409);
        assertThat(other.body()).contains("This sign-in link to files was opened in another browser.");
    }

    @Test
    void whenCallbackReplayedThenUnknownSignIn() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser browser = new Browser();
        HttpResponse<String> start = browser.get(required.startUrl());
        HttpResponse<String> authorize = browser.get(location(start));
        assertThat(browser.get(location(authorize)).statusCode()).isEqualTo(200);

        HttpResponse<String> replay = browser.get(location(authorize));

        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("This sign-in is unknown or was already used.");
        assertThat(signedIn).hasSize(1);
    }

    @Test
    void whenCallbackArrivesInAnotherBrowserThenRefusedAndConsumed() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser victim = new Browser();
        HttpResponse<String> start = victim.get(required.startUrl());
        HttpResponse<String> authorize = victim.get(location(start));

        HttpResponse<String> elsewhere = new Browser().get(location(authorize));
        HttpResponse<String> late = victim.get(location(authorize));

        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.body()).contains("was started in another browser");
        assertThat(late.statusCode()).isEqualTo(400);
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
        assertThat(signedIn).isEmpty();
    }

    @Test
    void whenSignInExpiredThenGonePages() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser browser = new Browser();
        HttpResponse<String> start = browser.get(required.startUrl());
        HttpResponse<String> authorize = browser.get(location(start));
        clock.advance(OAuthConfig.DEFAULT_STATE_TTL.plusSeconds(1));

        HttpResponse<String> link = browser.get(required.startUrl());
        HttpResponse<String> callback = browser.get(location(authorize));

        assertThat(link.statusCode()).isEqualTo(410);
        assertThat(link.body()).contains("This sign-in link to files expired.");
        assertThat(callback.statusCode()).isEqualTo(410);
        assertThat(callback.body()).contains("This sign-in to files expired. Ask your client again.");
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
    }

    @Test
    void whenAuthorizationServerAnswersErrorThenPageNamesItEscaped() throws Exception {
        SignInOutcome.SignInRequired required = signInRequired(OWNER, "files");
        Browser browser = new Browser();
        String state = stateOf(location(browser.get(required.startUrl())));

        HttpResponse<String> page = browser.get(URI.create(base + "/oauth/callback?error=access_denied"
                + "&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=" + state));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body())
                .contains("did not sign you in to files: access_denied")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>");
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
    }

    @Test
    void whenCallbackHasNoOrUnknownStateThenBadRequest() throws Exception {
        Browser browser = new Browser();

        assertThat(browser.get(URI.create(base + "/oauth/callback")).statusCode())
                .isEqualTo(400);
        assertThat(browser.get(URI.create(base + "/oauth/callback?state=forged&code=x"))
                        .statusCode())
                .isEqualTo(400);
        assertThat(browser.get(URI.create(base + "/oauth/start/forged")).statusCode())
                .isEqualTo(404);
    }

    @Test
    void whenSecondUpstreamHasSameIssuerThenAuthorizedWithoutSignIn() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        Secret filesToken = broker.accessToken(OWNER, upstream("files")).orElseThrow();

        SignInOutcome mail = broker.onUnauthorized(OWNER, upstream("mail"), 401, List.of(challenge("mail")));

        assertThat(mail).isInstanceOf(SignInOutcome.Authorized.class);
        Secret mailToken = ((SignInOutcome.Authorized) mail).accessToken();
        assertThat(mailToken).isNotEqualTo(filesToken);
        assertThat(broker.accessToken(OWNER, upstream("mail"))).contains(mailToken);
        assertThat(broker.accessToken(OWNER, upstream("files"))).contains(filesToken);
        assertThat(broker.onUnauthorized(OTHER_OWNER, upstream("mail"), 401, List.of(challenge("mail"))))
                .isInstanceOf(SignInOutcome.SignInRequired.class);
    }

    @Test
    void whenHeldTokenRefusedThenRenewedOnceAndThenSignInRequired() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        Secret refused = broker.accessToken(OWNER, upstream("files")).orElseThrow();
        String invalidToken = challenge("files") + ", error=\"invalid_token\"";

        SignInOutcome first = broker.onUnauthorized(OWNER, upstream("files"), 401, List.of(invalidToken));

        assertThat(first).isInstanceOf(SignInOutcome.Authorized.class);
        Secret renewed = ((SignInOutcome.Authorized) first).accessToken();
        assertThat(renewed).isNotEqualTo(refused);
        assertThat(broker.accessToken(OWNER, upstream("files"))).contains(renewed);
        assertThat(broker.onUnauthorized(OWNER, upstream("files"), 401, List.of(invalidToken)))
                .isInstanceOf(SignInOutcome.SignInRequired.class);
    }

    @Test
    void whenChallengeMalformedThenWellKnownDiscoveryStillWorks() {
        SignInOutcome outcome = broker.onUnauthorized(
                OWNER, upstream("files"), 401, List.of("Bearer resource_metadata=http://unquoted/url"));

        assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
    }

    @Test
    void whenNoMetadataAnywhereThenFailedNamingTheUpstream() {
        SignInOutcome outcome = broker.onUnauthorized(OWNER, upstream("ghost"), 401, List.of());

        assertThat(outcome).isInstanceOf(SignInOutcome.Failed.class);
        assertThat(((SignInOutcome.Failed) outcome).reason())
                .startsWith("Cannot sign in to 'ghost': no protected resource metadata found");
    }

    @Test
    void whenStatusIsNotAChallengeThenFailed() {
        SignInOutcome outcome = broker.onUnauthorized(OWNER, upstream("files"), 500, List.of());

        assertThat(outcome)
                .isEqualTo(new SignInOutcome.Failed("Upstream 'files' answered HTTP 500, which is not a request to"
                        + " sign in (401 or 403 expected)."));
    }

    @Test
    void whenOwnerForgottenThenTokensAndPendingSignInsGone() throws Exception {
        SignInOutcome.SignInRequired pending = signInRequired(OWNER, "files");
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        assertThat(broker.accessToken(OWNER, upstream("files"))).isPresent();

        broker.forget(OWNER);

        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
        assertThat(new Browser().get(pending.startUrl()).statusCode()).isEqualTo(404);
    }

    @Test
    void whenCallbacksFailThenEachIsAuditedWithItsCodeAndWithoutTheState() throws Exception {
        ListAppender<ILoggingEvent> audit = new ListAppender<>();
        audit.start();
        Logger auditLogger = (Logger) LoggerFactory.getLogger(AuthAudit.LOGGER_NAME);
        auditLogger.addAppender(audit);
        try {
            Browser victim = new Browser();
            URI elsewhere = location(victim.get(
                    location(victim.get(signInRequired(OWNER, "files").startUrl()))));
            new Browser().get(elsewhere);
            Browser late = new Browser();
            URI expired = location(
                    late.get(location(late.get(signInRequired(OWNER, "files").startUrl()))));
            clock.advance(OAuthConfig.DEFAULT_STATE_TTL.plusSeconds(1));
            late.get(expired);
            Browser noCode = new Browser();
            String state =
                    stateOf(location(noCode.get(signInRequired(OWNER, "files").startUrl())));
            noCode.get(URI.create(base + "/oauth/callback?state=" + state));
            noCode.get(URI.create(base + "/oauth/callback"));

            assertThat(audit.list)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .filteredOn(line -> line.contains("\"event\":\"callback\""))
                    .satisfiesExactly(
                            line -> assertThat(line).contains("\"error\":\"browser_mismatch\""),
                            line -> assertThat(line).contains("\"error\":\"expired_state\""),
                            line -> assertThat(line)
                                    .contains("\"error\":\"missing_code\"", "\"server\":\"files\"")
                                    .contains("\"issuer\":\"" + issuer + "\"")
                                    .doesNotContain(state),
                            line -> assertThat(line)
                                    .contains("\"error\":\"missing_state\"", "\"server\":\"-\"", "\"session\":\"-\""));
        } finally {
            auditLogger.detachAppender(audit);
        }
    }

    @Test
    void whenSignedOutOfAnUpstreamThenTokensOfItsIssuerDroppedAndRevocationRefusalsReported() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        assertThat(broker.onUnauthorized(OWNER, upstream("mail"), 401, List.of(challenge("mail"))))
                .isInstanceOf(SignInOutcome.Authorized.class);
        List<Secret> refreshTokens = tokenStore.find(OWNER, issuer, Set.of()).stream()
                .map(set -> set.refreshToken().orElseThrow())
                .toList();

        SignOutResult result = broker.signOut(OWNER, Optional.of("files"));

        assertThat(result.issuers()).containsExactly(issuer);
        assertThat(result.upstreams()).containsExactly("files", "mail");
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
        assertThat(broker.accessToken(OWNER, upstream("mail"))).isEmpty();
        assertThat(tokenStore.issuers(OWNER)).isEmpty();
        // mock-oauth2-server revokes refresh tokens only: its refusal of the two access tokens is reported.
        assertThat(result.problems()).hasSize(2).allSatisfy(problem -> assertThat(problem)
                .startsWith("Revoking the access token at " + issuer + " failed: HTTP 400 unsupported_token_type"));
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(line -> refreshTokens.stream()
                .anyMatch(token -> line.contains(token.reveal())));
    }

    @Test
    void whenTheServerOffersRevocationThenBothTokensRevokedAsTheClient() throws Exception {
        documents.put("/.well-known/oauth-protected-resource/notes", metadata("/notes", base + "/revoking", "n.read"));
        documents.put("/.well-known/oauth-authorization-server/revoking", proxyServerMetadata("revoking", true));
        signIn(new Browser(), signInRequired(OWNER, "notes").startUrl());
        TokenSet held = tokenStore.find(OWNER, base + "/revoking", Set.of()).get(0);

        SignOutResult result = broker.signOut(OWNER, Optional.of("notes"));

        assertThat(result).isEqualTo(new SignOutResult(List.of(base + "/revoking"), List.of("notes"), List.of()));
        assertThat(revocations)
                .containsExactly(
                        Map.of(
                                "client_id",
                                "portico-test",
                                "token_type_hint",
                                "refresh_token",
                                "token",
                                held.refreshToken().orElseThrow().reveal()),
                        Map.of(
                                "client_id",
                                "portico-test",
                                "token_type_hint",
                                "access_token",
                                "token",
                                held.accessToken().reveal()));
    }

    @Test
    void whenSignedOutOfEverythingThenEveryIssuerDroppedAndPendingSignInsGone() throws Exception {
        documents.put("/.well-known/oauth-protected-resource/notes", metadata("/notes", base + "/plain", "n.read"));
        documents.put("/.well-known/oauth-authorization-server/plain", proxyServerMetadata("plain", false));
        SignInOutcome.SignInRequired pending = signInRequired(OWNER, "mail");
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        signIn(new Browser(), signInRequired(OWNER, "notes").startUrl());
        signIn(new Browser(), signInRequired(OTHER_OWNER, "files").startUrl());

        SignOutResult result = broker.signOut(OWNER, Optional.empty());

        assertThat(result.issuers()).containsExactly(base + "/plain", issuer);
        assertThat(result.upstreams()).containsExactly("files", "mail", "notes");
        assertThat(broker.accessToken(OWNER, upstream("files"))).isEmpty();
        assertThat(broker.accessToken(OWNER, upstream("notes"))).isEmpty();
        assertThat(new Browser().get(pending.startUrl()).statusCode()).isEqualTo(404);
        assertThat(broker.accessToken(OTHER_OWNER, upstream("files"))).isPresent();
    }

    @Test
    void whenTheServerOffersNoRevocationThenSignOutIsLocalWithoutProblems() throws Exception {
        documents.put("/.well-known/oauth-protected-resource/notes", metadata("/notes", base + "/plain", "n.read"));
        documents.put("/.well-known/oauth-authorization-server/plain", proxyServerMetadata("plain", false));
        signIn(new Browser(), signInRequired(OWNER, "notes").startUrl());

        SignOutResult result = broker.signOut(OWNER, Optional.of("notes"));

        assertThat(result).isEqualTo(new SignOutResult(List.of(base + "/plain"), List.of("notes"), List.of()));
        assertThat(broker.accessToken(OWNER, upstream("notes"))).isEmpty();
        assertThat(revocations).isEmpty();
    }

    @Test
    void whenSignedOutOfAnUnknownUpstreamThenIllegalArgumentNamingIt() {
        assertThatThrownBy(() -> broker.signOut(OWNER, Optional.of("nowhere")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Unknown server 'nowhere'");
    }

    @Test
    void whenSignedOutWithoutTokensThenNothingToReport() {
        signInRequired(OWNER, "files");

        assertThat(broker.signOut(OWNER, Optional.of("files")))
                .isEqualTo(new SignOutResult(List.of(), List.of(), List.of()));
        assertThat(broker.signOut(OWNER, Optional.empty()))
                .isEqualTo(new SignOutResult(List.of(), List.of(), List.of()));
    }

    /**
     * Metadata of an authorization server {@code <base>/<name>} that signs in with the mock's endpoints and, when
     * {@code revocation} is set, names this test's recording revocation endpoint.
     */
    private String proxyServerMetadata(String name, boolean revocation) {
        return "{\"issuer\":\"" + base + "/" + name + "\",\"authorization_endpoint\":\"" + issuer
                + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\",\"response_types_supported\":[\"code\"],"
                + (revocation ? "\"revocation_endpoint\":\"" + base + "/revoke\"," : "")
                + "\"code_challenge_methods_supported\":[\"S256\"]}";
    }

    @Test
    void whenNoPublicMetadataUrlConfiguredThenDocumentUnderPublicUrl() {
        assertThat(broker.clientMetadataDocumentUrl()).isEqualTo(URI.create(base + OAuthConfig.DEFAULT_CIMD_PATH));
    }

    /** An RFC 7009 endpoint that records each request's form and revokes everything. */
    private static final class RevocationServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient List<Map<String, String>> requests;

        RevocationServlet(List<Map<String, String>> requests) {
            this.requests = requests;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            Map<String, String> form = new HashMap<>();
            request.getParameterMap().forEach((name, values) -> form.put(name, values[0]));
            requests.add(form);
            response.setStatus(200);
        }
    }

    private String insufficientScope(String name, String scope) {
        return "Bearer error=\"insufficient_scope\", scope=\"" + scope + "\", resource_metadata=\"" + base
                + "/.well-known/oauth-protected-resource/" + name + "\"";
    }

    private SignInOutcome stepUp(String name, String scope) {
        return broker.onUnauthorized(OWNER, upstream(name), 403, List.of(insufficientScope(name, scope)));
    }

    @Test
    void whenUpstreamLacksScopeThenSignInForTheUnionOfHeldAndAskedScopes() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        Secret before = broker.accessToken(OWNER, upstream("files")).orElseThrow();

        SignInOutcome outcome = stepUp("files", "files.admin");

        assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
        SignInOutcome.SignInRequired required = (SignInOutcome.SignInRequired) outcome;
        assertThat(required.scopes()).containsExactlyInAnyOrder("openid", "files.read", "files.admin");
        Browser browser = new Browser();
        URI authorizationUrl = location(browser.get(required.startUrl()));
        assertThat(URLUtils.parseParameters(authorizationUrl.getRawQuery()).get("scope"))
                .singleElement()
                .satisfies(scope ->
                        assertThat(scope.split(" ")).containsExactlyInAnyOrder("openid", "files.read", "files.admin"));
        assertThat(browser.get(location(browser.get(authorizationUrl))).statusCode())
                .isEqualTo(200);
        assertThat(broker.accessToken(OWNER, upstream("files")))
                .isPresent()
                .get()
                .isNotEqualTo(before);
    }

    @Test
    void whenStepUpsDoNotSatisfyTheUpstreamThenFailedAfterTheLimitNamingTheScope() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        for (int i = 0; i < OAuthConfig.DEFAULT_STEP_UP_LIMIT; i++) {
            SignInOutcome outcome = stepUp("files", "files.admin");
            assertThat(outcome).isInstanceOf(SignInOutcome.SignInRequired.class);
            signIn(new Browser(), ((SignInOutcome.SignInRequired) outcome).startUrl());
            broker.accessToken(OWNER, upstream("files")).orElseThrow();
        }

        SignInOutcome outcome = stepUp("files", "files.admin");

        assertThat(outcome)
                .isEqualTo(new SignInOutcome.Failed("Server 'files' still refuses this session: it asks for scope"
                        + " files.admin, which this session's token has, after 2 sign-ins."));
    }

    @Test
    void whenTheUpstreamAcceptedAStepUpTokenThenTheCountStartsOver() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        for (int i = 0; i < OAuthConfig.DEFAULT_STEP_UP_LIMIT; i++) {
            SignInOutcome outcome = stepUp("files", "files.admin");
            signIn(new Browser(), ((SignInOutcome.SignInRequired) outcome).startUrl());
            broker.accessToken(OWNER, upstream("files")).orElseThrow();
            broker.callAccepted(OWNER, "files");
        }

        assertThat(stepUp("files", "files.admin")).isInstanceOf(SignInOutcome.SignInRequired.class);
    }

    @Test
    void whenAnotherUpstreamOfTheIssuerAlreadyGotTheScopeThenAuthorizedWithoutSignIn() throws Exception {
        signIn(new Browser(), signInRequired(OWNER, "files").startUrl());
        assertThat(broker.onUnauthorized(OWNER, upstream("mail"), 401, List.of(challenge("mail"))))
                .isInstanceOf(SignInOutcome.Authorized.class);
        signIn(new Browser(), ((SignInOutcome.SignInRequired) stepUp("files", "files.admin")).startUrl());

        SignInOutcome outcome =
                broker.onUnauthorized(OWNER, upstream("mail"), 403, List.of(insufficientScope("mail", "files.admin")));

        assertThat(outcome).isInstanceOf(SignInOutcome.Authorized.class);
    }

    @Test
    void whenStepUpLimitIsZeroThenTheFirstInsufficientScopeFailsNamingTheScope() {
        try (OAuthBroker noStepUp = OAuthBroker.create(BrokerSettings.of(
                        OAuthConfig.defaults().withStepUpLimit(0),
                        () -> URI.create(base),
                        OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")))
                .withClock(clock))) {

            SignInOutcome outcome = noStepUp.onUnauthorized(
                    OWNER, upstream("files"), 403, List.of(insufficientScope("files", "files.read files.admin")));

            assertThat(outcome)
                    .isEqualTo(new SignInOutcome.Failed("Server 'files' refuses this session: it needs scopes"
                            + " files.admin, files.read, and Portico asks the user for more scopes only when"
                            + " oauth.stepUpLimit is above 0."));
        }
    }

    @Test
    void whenTheSignInStoreIsUnreachableThenSignInFailsClearlyAndThePagesSay503() throws Exception {
        Server downServer = new Server();
        ServerConnector connector = new ServerConnector(downServer);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        downServer.addConnector(connector);
        try (OAuthBroker down = OAuthBroker.create(BrokerSettings.of(
                        OAuthConfig.defaults(),
                        () -> URI.create(base),
                        OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.0/8", "::1/128")))
                .withClock(clock)
                .withSignInStore(new UnreachableSignInStore()))) {
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(down.startServlet()), "/oauth/start/*");
            context.addServlet(new ServletHolder(down.callbackServlet()), "/oauth/callback");
            downServer.setHandler(context);
            downServer.start();
            String downBase = "http://127.0.0.1:" + connector.getLocalPort();

            SignInOutcome outcome = down.onUnauthorized(OWNER, upstream("files"), 401, List.of(challenge("files")));

            assertThat(outcome)
                    .isEqualTo(SignInOutcome.Failed.temporary("Cannot sign in to 'files': sign-in storage unavailable;"
                            + " try again in a moment. Portico's log has the details."));
            Browser browser = new Browser();
            HttpResponse<String> start = browser.get(URI.create(downBase + "/oauth/start/some-start-id"));
            HttpResponse<String> callback = browser.get(URI.create(downBase + "/oauth/callback?state=s&code=c"));
            assertThat(start.statusCode()).isEqualTo(503);
            assertThat(callback.statusCode()).isEqualTo(503);
            assertThat(callback.body()).contains("Sign-in storage unavailable").doesNotContain("Exception");
        } finally {
            downServer.stop();
        }
    }

    /** Serves JSON documents by path. */
    private static final class DocumentServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Map<String, String> documents;

        DocumentServlet(Map<String, String> documents) {
            this.documents = documents;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String document = documents.get(request.getRequestURI());
            if (document == null) {
                response.sendError(404);
                return;
            }
            response.setContentType("application/json");
            response.getOutputStream().write(document.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A browser: its own cookie jar, redirects followed by the test one at a time. */
    private static final class Browser {
        private final HttpClient client = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
            return client.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }
}
