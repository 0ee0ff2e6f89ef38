package dev.portico.oauth.audit;

import java.util.Locale;

/** The authentication events Portico records, named as they appear in the {@code event} field. */
public enum AuditEvent {
    /** A sign-in link was handed to a client. */
    CHALLENGE_ISSUED,
    /** The authorization server sent the browser back to the callback, and the code was (or was not) exchanged. */
    CALLBACK,
    /** A token was renewed with its refresh token. */
    REFRESH,
    /** An upstream asked for more scopes ({@code insufficient_scope}), and a sign-in for their union began. */
    STEP_UP,
    /** A session signed out of an issuer. */
    LOGOUT,
    /** A token was revoked at the authorization server (RFC 7009). */
    REVOCATION,
    /** A token was obtained without a user, with the client's own credentials (RFC 6749 §4.4). */
    CLIENT_CREDENTIALS,
    /** A session's token of one issuer was exchanged for a token of another (RFC 8693). */
    TOKEN_EXCHANGE,
    /**
     * With inbound authentication, a browser opened a start link: it is signed in to Portico as the user the sign-in
     * is for ({@code ok}), or as another user ({@code failed}, error {@code user_mismatch}), or its own sign-in to
     * Portico failed.
     */
    BROWSER_CHECK;

    /** The value of the {@code event} field: the constant's name in lower case. */
    public String fieldValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
