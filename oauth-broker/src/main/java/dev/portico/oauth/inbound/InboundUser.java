package dev.portico.oauth.inbound;

import dev.portico.oauth.flow.OpaqueValues;
import java.util.Objects;
import java.util.Set;

/**
 * A user Portico's identity provider vouched for: the issuer and subject of a validated token.
 *
 * @param issuer the {@code iss} of the token, which is the configured issuer
 * @param subject the {@code sub}: unique per user within the issuer (OpenID Connect Core §2), so the pair names one
 *     user
 * @param scopes the token's scopes, from {@code scope} (RFC 9068 §2.2.3) or {@code scp}
 */
public record InboundUser(String issuer, String subject, Set<String> scopes) {

    /** Marks an owner key as a user's, never equal to a session id (which is hexadecimal). */
    private static final String OWNER_PREFIX = "user.";

    public InboundUser {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(subject, "subject");
        scopes = Set.copyOf(scopes);
    }

    /**
     * The owner of this user's upstream tokens: the same for every session of the user, different for every other
     * user. A hash, so that storage and log lines (which show its first 8 characters) hold no user identifier.
     */
    public String ownerKey() {
        return ownerKey(issuer, subject);
    }

    /** {@link #ownerKey()} of the user {@code subject} at {@code issuer}. */
    public static String ownerKey(String issuer, String subject) {
        // The issuer is a URL and cannot contain a line feed, so the joined text is unambiguous.
        return OWNER_PREFIX + OpaqueValues.sha256(issuer + "\n" + subject);
    }

    @Override
    public String toString() {
        return "InboundUser[" + ownerKey().substring(0, OWNER_PREFIX.length() + 8) + "…]";
    }
}
