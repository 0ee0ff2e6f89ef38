package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Reads {@code server.auth}: inbound authentication of MCP clients. The issuer follows the rules of an upstream's
 * {@code auth.authorizationServer}; the client secret, like every secret, is never quoted back.
 */
final class ServerAuthReader {

    static final List<String> KEYS =
            List.of("issuer", "audience", "requiredScopes", "jwksCacheTtl", "clientId", "clientSecret");

    private ServerAuthReader() {}

    /** The section under {@code server}; empty when absent or when it has problems (reported). */
    static Optional<ServerAuthConfig> read(MappingReader server, Problems problems) {
        Optional<MappingReader> found = server.mapping("auth", "auth: {issuer: https://idp.example.com}");
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MappingReader auth = found.get();
        int before = problems.count();
        auth.allowOnly(KEYS);
        Optional<URI> issuer = UpstreamAuthReader.issuer(auth, "issuer");
        if (!auth.has("issuer")) {
            problems.add(
                    auth.missingPosition("issuer"),
                    auth.pathOf("issuer"),
                    "server.auth needs issuer",
                    "name the identity provider whose tokens MCP clients present, e.g. issuer:"
                            + " https://idp.example.com; or remove server.auth to leave clients unauthenticated");
        }
        Optional<String> audience = audience(auth);
        List<String> scopes = UpstreamAuthReader.scopes(auth, "requiredScopes", problems);
        Duration ttl = jwksCacheTtl(auth);
        Optional<String> clientId = UpstreamAuthReader.clientId(auth);
        Optional<Secret> clientSecret = UpstreamAuthReader.clientSecret(auth);
        if (auth.has("clientSecret") && !auth.has("clientId")) {
            auth.problemAtKey(
                    "clientSecret",
                    "clientSecret is set without a clientId",
                    "add the clientId the secret was issued with, or remove clientSecret");
        }
        if (problems.count() != before) {
            return Optional.empty();
        }
        return Optional.of(new ServerAuthConfig(issuer.orElseThrow(), audience, scopes, ttl, clientId, clientSecret));
    }

    private static Optional<String> audience(MappingReader auth) {
        Optional<String> audience = auth.string("audience", "audience: https://portico.example.com/mcp");
        if (audience.isPresent() && audience.get().isBlank()) {
            auth.problem(
                    "audience",
                    "audience is empty",
                    "give the aud value the identity provider puts in tokens for Portico, or remove audience to use"
                            + " Portico's public /mcp URL");
            return Optional.empty();
        }
        return audience;
    }

    private static Duration jwksCacheTtl(MappingReader auth) {
        Duration ttl = auth.duration("jwksCacheTtl").orElse(ServerAuthConfig.DEFAULT_JWKS_CACHE_TTL);
        if (ttl.isZero() || ttl.compareTo(ServerAuthConfig.MAX_JWKS_CACHE_TTL) > 0) {
            auth.problem(
                    "jwksCacheTtl",
                    "jwksCacheTtl " + Durations.format(ttl) + " is out of range",
                    "use more than 0s and at most " + Durations.format(ServerAuthConfig.MAX_JWKS_CACHE_TTL)
                            + ", e.g. 5m");
            return ServerAuthConfig.DEFAULT_JWKS_CACHE_TTL;
        }
        return ttl;
    }
}
