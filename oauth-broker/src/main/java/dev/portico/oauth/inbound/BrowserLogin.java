package dev.portico.oauth.inbound;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.callback.Pages;
import dev.portico.oauth.callback.SignInEndpoints;
import dev.portico.oauth.callback.StartLinkCheck;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.ClientRegistrationException;
import dev.portico.oauth.client.ClientRegistry;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.discovery.DiscoveryException;
import dev.portico.oauth.flow.OpaqueValues;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenClient;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenRequestException;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-link check of inbound authentication: a browser that opens {@code /oauth/start/<id>} must be signed in to
 * Portico as the user whose sign-in it is, so that an attacker cannot send a victim a link of the attacker's own and
 * have the victim's upstream token land in the attacker's account.
 *
 * <p>A browser without Portico's login cookie ({@value #COOKIE_NAME}) is sent through an OpenID Connect
 * authorization-code flow with PKCE to Portico's identity provider (the inbound issuer), with Portico's usual client
 * identity there (the configured {@code server.auth.clientId}, else its Client ID Metadata Document or a dynamic
 * registration) and its usual redirect URI: the callback servlet hands answers whose {@code state} belongs to a login
 * to {@link #callbackServlet}. The ID token's {@code sub} then decides:
 *
 * <ul>
 *   <li>the same user as the sign-in's owner: a login cookie is set and the browser goes back to the start link,
 *       which proceeds as without inbound authentication;
 *   <li>another user: 403, "this sign-in link belongs to another user", and an audit line ({@code browser_check},
 *       {@code user_mismatch}).
 * </ul>
 *
 * <p>The login flow is bound to its browser by a cookie of its own ({@value #FLOW_COOKIE_NAME}), as the start link
 * binds a sign-in, so that an attacker cannot sign a victim's browser in to Portico as the attacker by sending it the
 * attacker's own login answer. Logins are kept in memory, for {@link #LOGIN_TTL}: with several replicas, a browser
 * that reaches another one signs in again. Safe for concurrent use.
 */
public final class BrowserLogin implements StartLinkCheck {

    /** The cookie that names a browser's login to Portico; its value is random, only its SHA-256 is kept. */
    public static final String COOKIE_NAME = "portico_login";

    /** The cookie that binds a login in progress to the browser that started it. */
    public static final String FLOW_COOKIE_NAME = "portico_login_flow";

    /** How long a browser stays signed in to Portico: a working session, not a remembered device. */
    public static final Duration LOGIN_TTL = Duration.ofHours(1);

    private static final Logger LOG = LoggerFactory.getLogger(BrowserLogin.class);

    private static final int MAX_ENTRIES = 100_000;

    /**
     * A login on its way: what the callback needs to finish it.
     *
     * @param browserBinding the SHA-256 of the flow cookie set in the browser that started it
     */
    private record PendingLogin(
            Secret verifier, URI returnTo, TokenEndpoint tokenEndpoint, String browserBinding, Instant expiresAt) {}

    private final URI issuer;
    private final UpstreamAuthConfig client;
    private final Discovery discovery;
    private final ClientRegistry clients;
    private final TokenClient tokens;
    private final InboundTokenValidator validator;
    private final SignInEndpoints endpoints;
    private final Duration stateTtl;
    private final Clock clock;
    private final AuthAudit audit;
    private final Cache<String, PendingLogin> pending;
    /** SHA-256 of a login cookie → the owner key of the user it is for. */
    private final Cache<String, String> logins;

    /**
     * @param client the client Portico signs browsers in with: only its {@code clientId}, {@code clientSecret} and
     *     method are read; empty ones mean CIMD or dynamic registration
     * @param stateTtl how long a started login stays valid ({@code oauth.stateTtl})
     */
    public BrowserLogin(
            URI issuer,
            UpstreamAuthConfig client,
            Discovery discovery,
            ClientRegistry clients,
            TokenClient tokens,
            InboundTokenValidator validator,
            SignInEndpoints endpoints,
            Duration stateTtl,
            Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.client = Objects.requireNonNull(client, "client");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.stateTtl = Objects.requireNonNull(stateTtl, "stateTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.audit = new AuthAudit(clock);
        this.pending = Caffeine.newBuilder()
                .expireAfterWrite(stateTtl)
                .maximumSize(MAX_ENTRIES)
                .build();
        this.logins = Caffeine.newBuilder()
                .expireAfterWrite(LOGIN_TTL)
                .maximumSize(MAX_ENTRIES)
                .build();
    }

    @Override
    public boolean admit(PendingSignIn signIn, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Optional<String> user = signedInUser(request);
        if (user.isEmpty()) {
            startLogin(response, endpoints.startUrl(signIn.startId()));
            return false;
        }
        if (user.get().equals(signIn.owner())) {
            audit.record(AuditRecord.ok(AuditEvent.BROWSER_CHECK, signIn.upstream(), signIn.issuer(), signIn.owner()));
            return true;
        }
        audit.record(AuditRecord.failed(
                AuditEvent.BROWSER_CHECK,
                signIn.upstream(),
                signIn.issuer(),
                signIn.owner(),
                "user_mismatch",
                "the browser is signed in to Portico as another user (" + LogIds.owner(user.get()) + ")"));
        LOG.info(
                "sign-in link refused: opened by another user upstream={} owner={} browser user={}",
                signIn.upstream(),
                LogIds.owner(signIn.owner()),
                LogIds.owner(user.get()));
        Pages.send(
                response,
                HttpServletResponse.SC_FORBIDDEN,
                "Sign-in link of another user",
                "This sign-in link belongs to another user. You are signed in to Portico as someone else, so it"
                        + " cannot be used here. If someone sent you this link, do not sign in with it.");
        return false;
    }

    /** The owner key of the user this browser is signed in to Portico as, if it is. */
    private Optional<String> signedInUser(HttpServletRequest request) {
        for (String value : SignInEndpoints.cookieValues(request, COOKIE_NAME)) {
            String user = logins.getIfPresent(OpaqueValues.sha256(value));
            if (user != null) {
                return Optional.of(user);
            }
        }
        return Optional.empty();
    }

    /** Sends the browser to the identity provider to sign in to Portico, to come back to {@code returnTo}. */
    private void startLogin(HttpServletResponse response, URI returnTo) throws IOException {
        AuthorizationServerMetadata metadata;
        ClientIdentity identity;
        try {
            metadata = discovery.authorizationServer(issuer);
            identity = clients.identify("Portico", client, metadata);
        } catch (DiscoveryException | ClientRegistrationException e) {
            LOG.warn("browser sign-in to Portico cannot start at {}: {}", issuer, e.getMessage());
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_GATEWAY,
                    "Sign-in to Portico unavailable",
                    "Portico cannot reach its identity provider to check who you are. Try the link again later.");
            return;
        }
        String state = OpaqueValues.random();
        CodeVerifier verifier = new CodeVerifier();
        String flowCookie = OpaqueValues.random();
        URI authorization = new AuthorizationRequest.Builder(ResponseType.CODE, identity.clientId())
                .endpointURI(metadata.getAuthorizationEndpointURI())
                .redirectionURI(endpoints.redirectUri())
                .scope(new Scope("openid"))
                .state(new State(state))
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
        pending.put(
                state,
                new PendingLogin(
                        Secret.of(verifier.getValue()),
                        returnTo,
                        new TokenEndpoint(issuer.toString(), metadata.getTokenEndpointURI(), identity),
                        OpaqueValues.sha256(flowCookie),
                        clock.instant().plus(stateTtl)));
        Pages.applySecurityHeaders(response);
        response.addHeader("Set-Cookie", endpoints.setCookieHeader(FLOW_COOKIE_NAME, flowCookie, stateTtl));
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", authorization.toString());
    }

    /**
     * The servlet for the callback path: answers whose {@code state} is a login's are finished here, all others go on
     * to {@code signIns}, the upstream sign-in callback.
     */
    public HttpServlet callbackServlet(HttpServlet signIns) {
        return new LoginOrSignInCallback(signIns);
    }

    private void finish(String state, HttpServletRequest request, HttpServletResponse response) throws IOException {
        PendingLogin login = pending.asMap().remove(state);
        if (login == null || !clock.instant().isBefore(login.expiresAt())) {
            refuse(response, HttpServletResponse.SC_GONE, "expired_state", "Open the sign-in link again.");
            return;
        }
        boolean sameBrowser = SignInEndpoints.cookieValues(request, FLOW_COOKIE_NAME).stream()
                .anyMatch(value -> OpaqueValues.sha256(value).equals(login.browserBinding()));
        if (!sameBrowser) {
            refuse(
                    response,
                    HttpServletResponse.SC_FORBIDDEN,
                    "browser_mismatch",
                    "This sign-in to Portico was started in another browser.");
            return;
        }
        String iss = request.getParameter("iss");
        String code = request.getParameter("code");
        if (request.getParameter("error") != null || (iss != null && !iss.equals(issuer.toString()))) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "not_signed_in", "You were not signed in.");
            return;
        }
        if (code == null || code.isEmpty()) {
            refuse(response, HttpServletResponse.SC_BAD_REQUEST, "missing_code", "The answer held no code.");
            return;
        }
        InboundUser user;
        try {
            Secret idToken = tokens.exchangeCodeForIdToken(
                    login.tokenEndpoint(), Secret.of(code), endpoints.redirectUri(), login.verifier());
            user = validator.validateIdToken(
                    idToken.reveal(), login.tokenEndpoint().clientId());
        } catch (TokenRequestException | InboundTokenException e) {
            LOG.warn("browser sign-in to Portico failed at {}: {}", issuer, e.getMessage());
            refuse(
                    response,
                    HttpServletResponse.SC_BAD_GATEWAY,
                    "login_failed",
                    "Portico could not check who you are.");
            return;
        }
        String cookie = OpaqueValues.random();
        logins.put(OpaqueValues.sha256(cookie), user.ownerKey());
        LOG.info("browser signed in to Portico as user={}", LogIds.owner(user.ownerKey()));
        Pages.applySecurityHeaders(response);
        response.addHeader("Set-Cookie", endpoints.setCookieHeader(COOKIE_NAME, cookie, LOGIN_TTL));
        response.addHeader("Set-Cookie", endpoints.setCookieHeader(FLOW_COOKIE_NAME, "", Duration.ZERO));
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", login.returnTo().toString());
    }

    private void refuse(HttpServletResponse response, int status, String error, String what) throws IOException {
        audit.record(AuditRecord.failed(
                AuditEvent.BROWSER_CHECK, AuditRecord.UNKNOWN, issuer.toString(), AuditRecord.UNKNOWN, error, what));
        Pages.send(response, status, "Sign-in to Portico failed", what + " Open the sign-in link again.");
    }

    /** Routes the callback by {@code state}: a login's, or an upstream sign-in's. */
    private final class LoginOrSignInCallback extends HttpServlet {

        private static final long serialVersionUID = 1L;

        private final HttpServlet signIns;

        LoginOrSignInCallback(HttpServlet signIns) {
            this.signIns = signIns;
        }

        @Override
        public void init() throws ServletException {
            signIns.init(getServletConfig());
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            String state = request.getParameter("state");
            if ("GET".equals(request.getMethod()) && state != null && pending.getIfPresent(state) != null) {
                finish(state, request, response);
                return;
            }
            signIns.service(request, response);
        }
    }
}
