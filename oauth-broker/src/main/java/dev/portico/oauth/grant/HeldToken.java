package dev.portico.oauth.grant;

import dev.portico.oauth.token.TokenSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token obtained without a user, and when: enough to tell whether it is still worth sending.
 *
 * <p>A token is replaced {@code margin} before it expires, but never before half its life has passed: an
 * authorization server that issues tokens shorter-lived than the margin would otherwise be asked for a new one on
 * every call.
 */
record HeldToken(TokenSet tokens, Instant obtainedAt) {

    HeldToken {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(obtainedAt, "obtainedAt");
    }

    /** Whether the token can still be sent at {@code now}; a token without {@code expires_in} always can. */
    boolean usableAt(Instant now, Duration margin) {
        if (tokens.expiresAt().isEmpty()) {
            return true;
        }
        Duration lifetime = Duration.between(obtainedAt, tokens.expiresAt().get());
        Duration halfLife = lifetime.dividedBy(2);
        return !tokens.expiresWithin(now, margin.compareTo(halfLife) < 0 ? margin : halfLife);
    }
}
