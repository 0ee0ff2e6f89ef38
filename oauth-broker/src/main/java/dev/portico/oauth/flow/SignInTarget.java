package dev.portico.oauth.flow;

import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenNeed;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What signing in to one upstream means, as discovery and client registration found it: the resource, its
 * authorization server, Portico's client there, and the scopes to ask for.
 *
 * <p>The broker remembers the last target of each upstream, so that it can pick a token for the upstream without
 * discovering again; a sign-in copies it, so that the callback finishes the flow with the facts it started with.
 *
 * @param upstream the upstream's configured name
 * @param resource the upstream's canonical URI (RFC 9728 {@code resource}, MCP authorization spec "canonical server
 *     URI"), sent as the RFC 8707 {@code resource} parameter when {@code sendResource} is set
 * @param sendResource whether to send {@code resource}; off for authorization servers that reject it
 * @param scopes the scopes to request, possibly none
 * @param requiredScopes the scopes a token must carry to be sent to the upstream: the configured or challenged ones,
 *     not the protected resource metadata's {@code scopes_supported}, which only suggest what to ask for (a server
 *     may grant fewer, and the upstream says so with {@code insufficient_scope} if it minds)
 * @param authorizationEndpoint the {@code authorization_endpoint} of the authorization server
 * @param tokenEndpoint the token endpoint, its issuer and Portico's client identity there
 * @param issuerParameterSupported whether the server said it sends {@code iss} in authorization responses (RFC 9207
 *     §3), which the callback then requires
 */
public record SignInTarget(
        String upstream,
        URI resource,
        boolean sendResource,
        List<String> scopes,
        Set<String> requiredScopes,
        URI authorizationEndpoint,
        TokenEndpoint tokenEndpoint,
        boolean issuerParameterSupported) {

    public SignInTarget {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(resource, "resource");
        scopes = List.copyOf(scopes);
        requiredScopes = Collections.unmodifiableSet(new TreeSet<>(requiredScopes));
        Objects.requireNonNull(authorizationEndpoint, "authorizationEndpoint");
        Objects.requireNonNull(tokenEndpoint, "tokenEndpoint");
    }

    /** The same target asking for {@code newScopes} and requiring {@code newRequired} of a token: a step-up. */
    public SignInTarget withScopes(List<String> newScopes, Set<String> newRequired) {
        return new SignInTarget(
                upstream,
                resource,
                sendResource,
                newScopes,
                newRequired,
                authorizationEndpoint,
                tokenEndpoint,
                issuerParameterSupported);
    }

    /** The issuer identifier of the authorization server. */
    public String issuer() {
        return tokenEndpoint.issuer();
    }

    /** What a token must be to be sent to this upstream. */
    public TokenNeed tokenNeed() {
        return new TokenNeed(upstream, tokenEndpoint, requiredScopes, resourceParameter());
    }

    /** The {@code resource} parameter to send, or empty when the upstream's config turns it off. */
    public Optional<URI> resourceParameter() {
        return sendResource ? Optional.of(resource) : Optional.empty();
    }
}
