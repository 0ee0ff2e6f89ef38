package dev.portico.oauth.token;

import java.net.URI;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a {@link TokenSet} is kept: one per owner, issuer, granted scopes and resource. Storing a set under a key
 * that already holds one replaces it (a new sign-in for the same thing supersedes the old tokens).
 *
 * <p>The resource is part of the key so that a token obtained for a second upstream of the same issuer (RFC 8707
 * §2.2, by refresh) does not overwrite the first upstream's token: otherwise the two would take turns refreshing each
 * other away.
 *
 * @param owner whose tokens these are: a downstream session id or principal
 * @param issuer the issuer of the authorization server
 * @param scopes the granted scopes, in sorted order
 * @param resource the RFC 8707 resource the access token is bound to, if any
 */
public record TokenKey(String owner, String issuer, Set<String> scopes, Optional<URI> resource) {

    public TokenKey {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(issuer, "issuer");
        scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
        Objects.requireNonNull(resource, "resource");
    }
}
