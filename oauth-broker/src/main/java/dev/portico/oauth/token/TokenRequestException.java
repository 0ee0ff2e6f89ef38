package dev.portico.oauth.token;

import java.util.Objects;
import java.util.Optional;

/**
 * A token request (code exchange or refresh) that gave no tokens.
 *
 * <p>The message names the issuer and what went wrong, fit for a log line and, escaped, for a page: the
 * authorization server's {@code error} code and {@code error_description} (RFC 6749 §5.2) when it sent an error
 * response. It never holds a code, a verifier, a token or a client secret, and text from the server is cut short and
 * stripped of control characters.
 */
public final class TokenRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why no tokens came back. */
    public enum Kind {
        /** The server answered with an OAuth error response (RFC 6749 §5.2), for example {@code invalid_grant}. */
        ERROR_RESPONSE,
        /** The server answered, but not with a token response this client can use. */
        MALFORMED_RESPONSE,
        /** The request did not reach the server or no answer came back (refused, timed out, address not allowed). */
        UNREACHABLE
    }

    private static final int MAX_SERVER_TEXT = 200;

    private final Kind kind;
    private final String issuer;
    private final Optional<String> errorCode;
    private final Optional<String> errorDescription;

    private TokenRequestException(
            Kind kind, String issuer, String message, Optional<String> errorCode, Optional<String> errorDescription) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.errorCode = errorCode;
        this.errorDescription = errorDescription;
    }

    /** The server's OAuth error response. */
    public static TokenRequestException errorResponse(String issuer, int status, String code, String description) {
        Optional<String> safeCode = Optional.ofNullable(code).map(TokenRequestException::serverText);
        Optional<String> safeDescription = Optional.ofNullable(description).map(TokenRequestException::serverText);
        String message = "the token endpoint of " + issuer + " answered HTTP " + status + " "
                + safeCode.orElse("without an error code")
                + safeDescription.map(d -> " (" + d + ")").orElse("");
        return new TokenRequestException(Kind.ERROR_RESPONSE, issuer, message, safeCode, safeDescription);
    }

    /** An answer that is not a usable token response; {@code problem} says why, in words of our own. */
    public static TokenRequestException malformed(String issuer, String problem) {
        return new TokenRequestException(
                Kind.MALFORMED_RESPONSE,
                issuer,
                "the token endpoint of " + issuer + " gave an unusable answer: " + serverText(problem),
                Optional.empty(),
                Optional.empty());
    }

    /** No answer; {@code detail} must be free of secrets (an {@code OutboundHttpException} message is). */
    public static TokenRequestException unreachable(String issuer, String detail) {
        return new TokenRequestException(
                Kind.UNREACHABLE,
                issuer,
                "the token endpoint of " + issuer + " could not be reached: " + serverText(detail),
                Optional.empty(),
                Optional.empty());
    }

    public Kind kind() {
        return kind;
    }

    public String issuer() {
        return issuer;
    }

    /** The RFC 6749 §5.2 {@code error} code, for {@link Kind#ERROR_RESPONSE}. */
    public Optional<String> errorCode() {
        return errorCode;
    }

    /** The server's {@code error_description}, shortened and cleaned, if it sent one. */
    public Optional<String> errorDescription() {
        return errorDescription;
    }

    /**
     * Whether the grant itself is dead ({@code invalid_grant}: a refresh token revoked or expired, a code used
     * twice), as opposed to a passing failure worth retrying later.
     */
    public boolean grantRejected() {
        return kind == Kind.ERROR_RESPONSE
                && errorCode.filter("invalid_grant"::equals).isPresent();
    }

    private static String serverText(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_SERVER_TEXT + 1));
        for (int i = 0; i < text.length() && clean.length() < MAX_SERVER_TEXT; i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > MAX_SERVER_TEXT) {
            clean.append('…');
        }
        return clean.toString();
    }
}
