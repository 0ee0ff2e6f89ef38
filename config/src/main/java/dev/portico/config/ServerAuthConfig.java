package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Inbound authentication ({@code server.auth}): MCP clients must present a bearer JWT from {@code issuer} on
 * {@code /mcp}, {@code /sse} and {@code /message}, and upstream sign-ins belong to the user the token names instead
 * of to the connection.
 *
 * @param issuer the identity provider's issuer identifier; its RFC 8414 or OpenID Connect metadata names the JWK set
 *     that signs the tokens
 * @param audience the {@code aud} a token must carry; empty means Portico's public {@code /mcp} URL, the RFC 8707
 *     resource a client asks its token for
 * @param requiredScopes scopes every token must carry; a token without one of them gets 403 {@code
 *     insufficient_scope}
 * @param jwksCacheTtl how long the issuer's signing keys are reused before they are fetched again; a token signed with
 *     a key not in the cached set triggers an earlier, rate-limited fetch
 * @param clientId the client Portico signs browsers in with at the issuer (for the start link check); empty = the
 *     same client identity as for upstreams (Client ID Metadata Document or dynamic registration)
 * @param clientSecret that client's secret, for confidential clients
 */
public record ServerAuthConfig(
        URI issuer,
        Optional<String> audience,
        List<String> requiredScopes,
        Duration jwksCacheTtl,
        Optional<String> clientId,
        Optional<Secret> clientSecret) {

    /** Long enough to spare the issuer, short enough that a removed key stops working within minutes. */
    public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);

    /** A rotated-away key should not stay trusted for longer than this. */
    public static final Duration MAX_JWKS_CACHE_TTL = Duration.ofHours(24);

    public ServerAuthConfig {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        requiredScopes = List.copyOf(requiredScopes);
        Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        if (jwksCacheTtl.isNegative() || jwksCacheTtl.isZero() || jwksCacheTtl.compareTo(MAX_JWKS_CACHE_TTL) > 0) {
            throw new IllegalArgumentException("jwksCacheTtl out of range: " + jwksCacheTtl);
        }
        if (clientSecret.isPresent() && clientId.isEmpty()) {
            throw new IllegalArgumentException("a client secret needs a client id");
        }
    }

    /** Only an issuer; everything else defaulted. */
    public static ServerAuthConfig of(URI issuer) {
        return new ServerAuthConfig(
                issuer, Optional.empty(), List.of(), DEFAULT_JWKS_CACHE_TTL, Optional.empty(), Optional.empty());
    }
}
