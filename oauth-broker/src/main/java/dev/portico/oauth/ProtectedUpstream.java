package dev.portico.oauth;

import dev.portico.config.UpstreamAuthConfig;
import java.net.URI;
import java.util.Objects;

/**
 * An upstream MCP server as the broker sees it: a name for pages and logs, the URL it is reached at, and how to sign
 * in to it.
 *
 * @param name the upstream's configured name, unique within a deployment; the broker keys what it remembers by it
 * @param url the URL Portico sends MCP requests to
 * @param auth the upstream's {@code auth} config, or {@link UpstreamAuthConfig#discovered()} when it has none
 */
public record ProtectedUpstream(String name, URI url, UpstreamAuthConfig auth) {

    public ProtectedUpstream {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(auth, "auth");
    }
}
