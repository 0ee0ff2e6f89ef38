package dev.portico.oauth.callback;

import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.flow.OpaqueValues;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenRequestException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET <callback path>}: where the authorization server sends the browser back (RFC 6749 §4.1.2).
 *
 * <p>In this order: the {@code state} is taken from the store, which makes it single-use whatever happens next; the
 * browser must carry the cookie the start link bound the sign-in to; an {@code error} response ends the sign-in with
 * its code; the {@code iss} parameter, when present or promised by the server's metadata, must name the sign-in's
 * issuer (RFC 9207 §2.4, against mix-up attacks); then the code is exchanged and the tokens stored through {@link
 * SignInCompletion}. Every outcome is a small page (see {@link Pages}) and one log line naming the upstream, the
 * issuer and the shortened owner, never the code or the state. Every failure decided here is also one {@link
 * AuditEvent#CALLBACK} audit line with a short error code: the authorization server's {@code error}, or one of
 * Portico's own ({@code missing_state}, {@code unknown_state}, {@code expired_state}, {@code browser_mismatch},
 * {@code iss_missing}, {@code iss_mismatch}, {@code missing_code}, {@code internal_error}); the completion records the
 * code exchange's outcome itself.
 *
 * <p>Before anything else, the client address must be within {@code limits.callbacksPerMinutePerClientIp}; beyond it
 * the answer is 429 with {@code Retry-After}, and the state is not spent, so the same callback URL works on a retry.
 *
 * <p>{@code HEAD} is refused, so that a probe cannot spend the state.
 */
public final class CallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CallbackServlet.class);
    private static final int MAX_ECHOED = 100;

    private final transient SignInStore store;
    private final transient ClientRateLimit rateLimit;
    private final transient SignInCompletion completion;
    private final transient AuthAudit audit;

    public CallbackServlet(SignInStore store, ClientRateLimit rateLimit, SignInCompletion completion, AuthAudit audit) {
        this.store = Objects.requireNonNull(store, "store");
        this.rateLimit = Objects.requireNonNull(rateLimit, "rateLimit");
        this.completion = Objects.requireNonNull(completion, "completion");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (rateLimit.refused(request, response)) {
            return;
        }
        try {
            serve(request, response);
        } catch (StorageUnavailableException e) {
            LOG.warn("sign-in callback failed: {}", e.getMessage());
            Pages.storageUnavailable(response);
        }
    }

    private void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String state = request.getParameter("state");
        if (state == null || state.isEmpty()) {
            LOG.info("sign-in callback failed: no state parameter");
            auditUnknownSignIn("missing_state", "the callback has no state parameter");
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "Sign-in response incomplete",
                    "This page expects the answer of an authorization server, with a state parameter."
                            + " Ask your client to sign in again.");
            return;
        }
        SignInLookup lookup = store.take(state);
        if (lookup instanceof SignInLookup.Unknown) {
            LOG.info("sign-in callback failed: unknown or already used state");
            auditUnknownSignIn("unknown_state", "the state is unknown or was already used");
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "Unknown sign-in",
                    "This sign-in is unknown or was already used. Ask your client to sign in again.");
            return;
        }
        if (lookup instanceof SignInLookup.Expired) {
            PendingSignIn signIn = ((SignInLookup.Expired) lookup).signIn();
            fail(signIn, "expired_state", "expired");
            Pages.send(
                    response,
                    HttpServletResponse.SC_GONE,
                    "Sign-in expired",
                    "This sign-in to " + signIn.upstream() + " expired. Ask your client again.");
            return;
        }
        finish(((SignInLookup.Found) lookup).signIn(), request, response);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET");
        Pages.send(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method not allowed", "Use GET.");
    }

    private void finish(PendingSignIn signIn, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String upstream = signIn.upstream();
        if (!sameBrowser(signIn, SignInEndpoints.cookieValues(request))) {
            fail(signIn, "browser_mismatch", "finished in another browser than the one that opened the link");
            Pages.send(
                    response,
                    HttpServletResponse.SC_FORBIDDEN,
                    "Sign-in refused",
                    "This sign-in to " + upstream + " was started in another browser, so it cannot be finished"
                            + " here. Ask your client to sign in again, and open the new link in this browser.");
            return;
        }
        String error = request.getParameter("error");
        if (error != null) {
            String description = Optional.ofNullable(request.getParameter("error_description"))
                    .map(d -> " (" + shorten(d) + ")")
                    .orElse("");
            fail(signIn, shorten(error), "authorization server answered error=" + shorten(error));
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "Not signed in",
                    "The authorization server did not sign you in to " + upstream + ": " + shorten(error) + description
                            + ". Ask your client to sign in again if you want to retry.");
            return;
        }
        String iss = request.getParameter("iss");
        Optional<String> issuerProblem = issuerProblem(signIn, iss);
        if (issuerProblem.isPresent()) {
            fail(signIn, iss == null ? "iss_missing" : "iss_mismatch", issuerProblem.get());
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "Sign-in refused",
                    "The answer did not come from the authorization server of " + upstream + " (" + issuerProblem.get()
                            + "). Ask your client to sign in again.");
            return;
        }
        String code = request.getParameter("code");
        if (code == null || code.isEmpty()) {
            fail(signIn, "missing_code", "no code parameter");
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    "Sign-in response incomplete",
                    "The authorization server sent no authorization code for " + upstream
                            + ". Ask your client to sign in again.");
            return;
        }
        try {
            completion.complete(signIn, Secret.of(code));
        } catch (TokenRequestException e) {
            completion.failed(signIn);
            logFailure(signIn, "code exchange failed: " + e.getMessage());
            Pages.send(
                    response,
                    HttpServletResponse.SC_BAD_GATEWAY,
                    "Sign-in failed",
                    "Signing in to " + upstream + " failed: " + exchangeProblem(e)
                            + ". Ask your client to sign in again.");
            return;
        } catch (RuntimeException e) {
            completion.failed(signIn);
            audit.record(AuditRecord.failed(
                    AuditEvent.CALLBACK,
                    upstream,
                    signIn.issuer(),
                    signIn.owner(),
                    "internal_error",
                    "unexpected error on Portico's side"));
            LOG.warn(
                    "sign-in callback failed upstream={} issuer={} owner={}: unexpected error",
                    upstream,
                    signIn.issuer(),
                    LogIds.owner(signIn.owner()),
                    e);
            Pages.send(
                    response,
                    HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "Sign-in failed",
                    "Signing in to " + upstream + " failed on Portico's side. Ask your client to sign in again.");
            return;
        }
        LOG.info(
                "sign-in callback ok upstream={} issuer={} owner={}",
                upstream,
                signIn.issuer(),
                LogIds.owner(signIn.owner()));
        Pages.send(
                response,
                HttpServletResponse.SC_OK,
                "Signed in",
                "Signed in to " + upstream + ". You can return to your client.");
    }

    private static boolean sameBrowser(PendingSignIn signIn, List<String> cookies) {
        if (signIn.browserBinding().isEmpty()) {
            return false;
        }
        String bound = signIn.browserBinding().get();
        return cookies.stream().anyMatch(value -> Secret.of(bound).matches(OpaqueValues.sha256(value)));
    }

    /** RFC 9207 §2.4: a present {@code iss} must match; an absent one is an error if the server promised it. */
    private static Optional<String> issuerProblem(PendingSignIn signIn, String iss) {
        if (iss == null) {
            return signIn.target().issuerParameterSupported()
                    ? Optional.of("the iss parameter is missing although the server announces it")
                    : Optional.empty();
        }
        return iss.equals(signIn.issuer())
                ? Optional.empty()
                : Optional.of("iss \"" + shorten(iss) + "\" is not " + signIn.issuer());
    }

    private static String exchangeProblem(TokenRequestException e) {
        switch (e.kind()) {
            case ERROR_RESPONSE:
                return "the authorization server refused the code ("
                        + e.errorCode().orElse("no error code")
                        + e.errorDescription().map(d -> ": " + d).orElse("")
                        + ")";
            case UNREACHABLE:
                return "the authorization server's token endpoint could not be reached";
            case MALFORMED_RESPONSE:
            default:
                return "the authorization server's token endpoint gave an unusable answer";
        }
    }

    /** Logs and audits a failure of a known sign-in; {@code reason} must hold no state, code or token. */
    private void fail(PendingSignIn signIn, String errorCode, String reason) {
        completion.failed(signIn);
        logFailure(signIn, reason);
        audit.record(AuditRecord.failed(
                AuditEvent.CALLBACK, signIn.upstream(), signIn.issuer(), signIn.owner(), errorCode, reason));
    }

    /** A failure before any sign-in was found: neither server nor session is known. */
    private void auditUnknownSignIn(String errorCode, String reason) {
        audit.record(AuditRecord.failed(
                AuditEvent.CALLBACK, AuditRecord.UNKNOWN, null, AuditRecord.UNKNOWN, errorCode, reason));
    }

    private static void logFailure(PendingSignIn signIn, String reason) {
        LOG.info(
                "sign-in callback failed upstream={} issuer={} owner={}: {}",
                signIn.upstream(),
                signIn.issuer(),
                LogIds.owner(signIn.owner()),
                reason);
    }

    /** Text from the query string, cut short and stripped of control characters before it is logged or shown. */
    private static String shorten(String text) {
        StringBuilder clean = new StringBuilder();
        for (int i = 0; i < text.length() && clean.length() < MAX_ECHOED; i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        return text.length() > MAX_ECHOED ? clean + "…" : clean.toString();
    }
}
