package dev.portico.oauth.discovery;

import java.net.URI;
import java.util.Locale;

/**
 * Resource identifiers (RFC 8707 §2, RFC 9728 §1.2) in the canonical form the MCP authorization specification asks
 * clients to send, and the rule for whether a protected resource's metadata covers an upstream URL.
 *
 * <p>Pure functions; safe for concurrent use.
 */
public final class ResourceUris {

    private ResourceUris() {}

    /**
     * The canonical form of a resource URL: scheme and host in lower case, the default port dropped, user-info and
     * fragment dropped, the query kept, and no trailing slash unless the path is just {@code /}.
     *
     * <p>Example: {@code HTTPS://MCP.Example.com:443/mcp/#x} becomes {@code https://mcp.example.com/mcp}.
     *
     * @throws IllegalArgumentException if {@code url} is not an absolute http(s) URL with a host
     */
    public static URI canonicalResource(URI url) {
        requireHttpUrl(url);
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
        return URI.create(origin(url) + path + query);
    }

    /**
     * Whether the protected resource {@code resource} covers {@code upstream}: same scheme, host (any case) and port
     * (default ports normalised), and a path equal to the upstream's or a prefix of it that ends at a {@code /}. So
     * {@code https://h/mcp} covers {@code https://h/mcp} and {@code https://h/mcp/tools}, not {@code https://h/mcpx}.
     * RFC 9728 §3.3 asks for equality; the prefix rule is what the MCP SDKs accept, since a server often publishes one
     * metadata document for all its paths. Queries are not compared.
     */
    public static boolean covers(URI resource, URI upstream) {
        URI r = canonicalResource(resource);
        URI u = canonicalResource(upstream);
        if (!origin(r).equals(origin(u))) {
            return false;
        }
        String resourcePath = withoutTrailingSlash(r.getRawPath());
        String upstreamPath = withoutTrailingSlash(u.getRawPath());
        return upstreamPath.equals(resourcePath) || upstreamPath.startsWith(resourcePath + "/");
    }

    /** {@code scheme://host[:port]}, lower case, default port dropped, no user-info. */
    static String origin(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        int port = url.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80);
        return scheme + "://" + url.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    static void requireHttpUrl(URI url) {
        if (url == null || !url.isAbsolute() || url.isOpaque() || url.getHost() == null) {
            throw new IllegalArgumentException("not an absolute URL with a host: " + url);
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("not an http(s) URL: " + url);
        }
    }

    /** The path without trailing slashes; {@code ""} for an empty path or {@code /}. */
    static String withoutTrailingSlash(String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }
}
