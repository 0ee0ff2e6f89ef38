package dev.portico.oauth.discovery;

import java.net.URI;
import java.util.List;

/**
 * Where protected resources and authorization servers publish their metadata, derived from a URL by the rules of
 * RFC 9728 §3.1, RFC 8414 §3.1, OpenID Connect Discovery 1.0 §4 and the order of the MCP authorization specification
 * (2025-11-25, "Authorization Server Metadata Discovery").
 *
 * <p>The well-known segment is inserted between the host and the path (after removing a terminating {@code /} from
 * the path), except for the last, OpenID Connect form, which appends it. Pure functions; safe for concurrent use.
 */
public final class WellKnownUrls {

    static final String PROTECTED_RESOURCE = "/.well-known/oauth-protected-resource";
    static final String AUTHORIZATION_SERVER = "/.well-known/oauth-authorization-server";
    static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";

    private WellKnownUrls() {}

    /**
     * The locations to try for the protected resource metadata of {@code resource}, in order: the path-inserted form
     * (RFC 9728 §3.1), then the root of the origin, which MCP servers that publish one document for all paths use.
     * A resource without a path (or with just {@code /}) has only the root.
     *
     * <p>Example (RFC 9728 §3.1): {@code https://resource.example.com/resource1} gives {@code
     * https://resource.example.com/.well-known/oauth-protected-resource/resource1}, then {@code
     * https://resource.example.com/.well-known/oauth-protected-resource}.
     *
     * @throws IllegalArgumentException if {@code resource} is not an absolute http(s) URL with a host
     */
    public static List<URI> protectedResourceCandidates(URI resource) {
        ResourceUris.requireHttpUrl(resource);
        String origin = ResourceUris.origin(resource);
        String path = ResourceUris.withoutTrailingSlash(resource.getRawPath());
        String query = resource.getRawQuery() == null ? "" : "?" + resource.getRawQuery();
        URI root = URI.create(origin + PROTECTED_RESOURCE);
        if (path.isEmpty() && query.isEmpty()) {
            return List.of(root);
        }
        return List.of(URI.create(origin + PROTECTED_RESOURCE + path + query), root);
    }

    /**
     * The locations to try for the metadata of the authorization server {@code issuer}, in the order of the MCP
     * authorization specification. With a path ({@code https://example.com/issuer1}):
     *
     * <ol>
     *   <li>{@code https://example.com/.well-known/oauth-authorization-server/issuer1} (RFC 8414 §3.1)
     *   <li>{@code https://example.com/.well-known/openid-configuration/issuer1} (RFC 8414 §5)
     *   <li>{@code https://example.com/issuer1/.well-known/openid-configuration} (OpenID Connect Discovery §4)
     * </ol>
     *
     * Without a path: {@code /.well-known/oauth-authorization-server}, then {@code /.well-known/openid-configuration}.
     *
     * @throws IllegalArgumentException if {@code issuer} is not an absolute http(s) URL with a host
     */
    public static List<URI> authorizationServerCandidates(URI issuer) {
        ResourceUris.requireHttpUrl(issuer);
        String origin = ResourceUris.origin(issuer);
        String path = ResourceUris.withoutTrailingSlash(issuer.getRawPath());
        if (path.isEmpty()) {
            return List.of(URI.create(origin + AUTHORIZATION_SERVER), URI.create(origin + OPENID_CONFIGURATION));
        }
        return List.of(
                URI.create(origin + AUTHORIZATION_SERVER + path),
                URI.create(origin + OPENID_CONFIGURATION + path),
                URI.create(origin + path + OPENID_CONFIGURATION));
    }
}
