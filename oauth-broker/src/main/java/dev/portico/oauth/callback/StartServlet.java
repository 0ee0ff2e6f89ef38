package dev.portico.oauth.callback;

import dev.portico.oauth.flow.BindOutcome;
import dev.portico.oauth.flow.OpaqueValues;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.token.LogIds;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /oauth/start/{startId}}: the link the MCP client shows the user. It binds the sign-in to the browser
 * that opens it first and sends that browser on to the authorization server.
 *
 * <p>The binding is a random cookie ({@link SignInEndpoints#COOKIE_NAME}) whose SHA-256 is stored with the sign-in;
 * the callback requires it, so a sign-in cannot be finished in a browser other than the one that started it (which
 * defeats handing a victim a link whose code the attacker then exchanges, the login-CSRF of RFC 6749 §10.12). A
 * browser that already has the cookie reuses its value, so one browser can run several sign-ins at once.
 *
 * <p>Answers:
 *
 * <ul>
 *   <li>302 to the authorization URL on the first visit and on a revisit from the same browser;
 *   <li>409 when another browser opened the link first;
 *   <li>404 for an unknown link, 410 for an expired one;
 *   <li>429 with {@code Retry-After} when the client address opened more start links than {@code
 *       limits.signInStartsPerMinutePerClientIp} allows, before the link is even looked up.
 * </ul>
 *
 * <p>A {@link StartLinkCheck} may stand before the binding: with inbound authentication, the browser must first be
 * signed in to Portico as the user the sign-in is for.
 *
 * <p>{@code HEAD} is refused, so a link preview that only probes does not bind the sign-in.
 */
public final class StartServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(StartServlet.class);

    private final transient SignInStore store;
    private final transient SignInEndpoints endpoints;
    private final transient Clock clock;
    private final transient ClientRateLimit rateLimit;
    private final transient StartLinkCheck check;

    public StartServlet(SignInStore store, SignInEndpoints endpoints, Clock clock, ClientRateLimit rateLimit) {
        this(store, endpoints, clock, rateLimit, StartLinkCheck.NONE);
    }

    /** @param check what a browser must pass before the link binds the sign-in to it */
    public StartServlet(
            SignInStore store,
            SignInEndpoints endpoints,
            Clock clock,
            ClientRateLimit rateLimit,
            StartLinkCheck check) {
        this.store = Objects.requireNonNull(store, "store");
        this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
        this.check = Objects.requireNonNull(check, "check");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (rateLimit.refused(request, response)) {
            return;
        }
        try {
            serve(request, response);
        } catch (StorageUnavailableException e) {
            LOG.warn("sign-in start link failed: {}", e.getMessage());
            Pages.storageUnavailable(response);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Optional<String> startId = startId(request);
        if (startId.isEmpty()) {
            unknown(response);
            return;
        }
        SignInLookup lookup = store.findByStartId(startId.get());
        if (lookup instanceof SignInLookup.Unknown) {
            unknown(response);
            return;
        }
        if (lookup instanceof SignInLookup.Expired) {
            expired(response, ((SignInLookup.Expired) lookup).signIn());
            return;
        }
        PendingSignIn signIn = ((SignInLookup.Found) lookup).signIn();
        if (!check.admit(signIn, request, response)) {
            return;
        }
        String cookie = cookieFor(signIn, SignInEndpoints.cookieValues(request));
        BindOutcome outcome = store.bindBrowser(signIn.startId(), OpaqueValues.sha256(cookie));
        switch (outcome) {
            case BOUND:
            case SAME_BROWSER:
                redirect(response, signIn, cookie);
                return;
            case OTHER_BROWSER:
                LOG.info(
                        "sign-in link refused: opened in another browser upstream={} issuer={} owner={}",
                        signIn.upstream(),
                        signIn.issuer(),
                        LogIds.owner(signIn.owner()));
                Pages.send(
                        response,
                        HttpServletResponse.SC_CONFLICT,
                        "Sign-in link already in use",
                        "This sign-in link to " + signIn.upstream() + " was opened in another browser. Finish"
                                + " signing in there, or ask your client to sign in again to get a new link.");
                return;
            case EXPIRED:
                expired(response, signIn);
                return;
            case UNKNOWN:
            default:
                unknown(response);
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET");
        Pages.send(
                response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed", "Open the link with GET.");
    }

    /**
     * The cookie value for this browser: the one already bound to the sign-in if the browser sent it, else any value
     * the browser already has, else a new one.
     */
    private static String cookieFor(PendingSignIn signIn, List<String> values) {
        if (signIn.browserBinding().isPresent()) {
            String bound = signIn.browserBinding().get();
            for (String value : values) {
                if (OpaqueValues.sha256(value).equals(bound)) {
                    return value;
                }
            }
        }
        return values.isEmpty() ? OpaqueValues.random() : values.get(0);
    }

    private void redirect(HttpServletResponse response, PendingSignIn signIn, String cookie) {
        Pages.applySecurityHeaders(response);
        response.addHeader("Set-Cookie", endpoints.setCookieHeader(cookie, signIn.remaining(clock.instant())));
        response.setStatus(HttpServletResponse.SC_FOUND);
        response.setHeader("Location", signIn.authorizationUrl().toString());
    }

    private static Optional<String> startId(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null || path.length() < 2 || path.indexOf('/', 1) >= 0) {
            return Optional.empty();
        }
        return Optional.of(path.substring(1));
    }

    private static void unknown(HttpServletResponse response) throws IOException {
        Pages.send(
                response,
                HttpServletResponse.SC_NOT_FOUND,
                "Unknown sign-in link",
                "This sign-in link is unknown, or the sign-in already finished. Ask your client to sign in again.");
    }

    private static void expired(HttpServletResponse response, PendingSignIn signIn) throws IOException {
        Pages.send(
                response,
                HttpServletResponse.SC_GONE,
                "Sign-in link expired",
                "This sign-in link to " + signIn.upstream() + " expired. Ask your client to sign in again.");
    }
}
