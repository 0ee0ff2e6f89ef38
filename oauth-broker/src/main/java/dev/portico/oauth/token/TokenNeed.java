package dev.portico.oauth.token;

import java.net.URI;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a call to one upstream needs: a token from this endpoint's issuer, with at least these scopes, for this
 * resource.
 *
 * @param upstream the upstream's name, for log lines
 * @param endpoint the issuer's token endpoint and Portico's client there, for a refresh
 * @param scopes the scopes the token must carry; empty when the upstream asks for none in particular
 * @param resource the RFC 8707 resource to request tokens for; empty when the upstream's config turns
 *     {@code resource} off, in which case any token of the issuer serves
 */
public record TokenNeed(String upstream, TokenEndpoint endpoint, Set<String> scopes, Optional<URI> resource) {

    public TokenNeed {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(endpoint, "endpoint");
        scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
        Objects.requireNonNull(resource, "resource");
    }

    public String issuer() {
        return endpoint.issuer();
    }
}
