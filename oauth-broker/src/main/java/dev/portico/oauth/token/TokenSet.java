package dev.portico.oauth.token;

import dev.portico.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a token endpoint issued to Portico on behalf of one owner: the access token, the refresh token if any, and
 * the facts that decide where the access token may be sent.
 *
 * @param accessToken the access token, sent as {@code Authorization: Bearer} to the upstream
 * @param refreshToken the refresh token, if the server issued one
 * @param expiresAt when the access token expires, from {@code expires_in}; empty when the server did not say
 * @param scopes the scopes granted: the response's {@code scope}, or the ones requested when it omitted the
 *     parameter (RFC 6749 §5.1)
 * @param issuer the issuer of the authorization server that issued the tokens
 * @param resource the RFC 8707 {@code resource} the access token was requested for; empty when none was sent, in
 *     which case the token is not bound to one resource
 * @param clientId the {@code client_id} the tokens were issued to; a refresh token works only for that client (RFC
 *     6749 §6)
 */
public record TokenSet(
        Secret accessToken,
        Optional<Secret> refreshToken,
        Optional<Instant> expiresAt,
        Set<String> scopes,
        String issuer,
        Optional<URI> resource,
        String clientId) {

    public TokenSet {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(clientId, "clientId");
    }

    /** Whether the access token has expired at {@code now}, or will within {@code margin}. */
    public boolean expiresWithin(Instant now, Duration margin) {
        return expiresAt.map(at -> !at.isAfter(now.plus(margin))).orElse(false);
    }

    /** Whether these scopes include every one of {@code required}. */
    public boolean covers(Set<String> required) {
        return scopes.containsAll(required);
    }

    /** The key this set is stored under for {@code owner}. */
    public TokenKey key(String owner) {
        return new TokenKey(owner, issuer, scopes, resource);
    }

    /** Says what the set is for, never what the tokens are. */
    @Override
    public String toString() {
        return "TokenSet[accessToken=" + Secret.REDACTED
                + ", refreshToken=" + (refreshToken.isPresent() ? Secret.REDACTED : "none")
                + ", expiresAt=" + expiresAt.map(Instant::toString).orElse("unknown")
                + ", scopes=" + scopes
                + ", issuer=" + issuer
                + ", resource=" + resource.map(URI::toString).orElse("none")
                + ", clientId=" + clientId + "]";
    }
}
