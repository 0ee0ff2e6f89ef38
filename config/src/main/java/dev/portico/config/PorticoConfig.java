package dev.portico.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated Portico configuration: the admin's public contract, as loaded by {@link ConfigLoader}.
 *
 * <p>Instances are immutable and always valid; every check that can be made without the network has passed.
 *
 * @param server the downstream listener
 * @param oauth Portico as an OAuth client: callback, Client ID Metadata Document, sign-in lifetimes
 * @param security what Portico's own outbound fetches may reach
 * @param storage where sessions, sign-ins and tokens are kept: in memory or in PostgreSQL
 * @param limits abuse limits: sign-in rates, caps on held sign-ins and tokens, request size, connection timeouts
 * @param metrics whether Portico serves its own metrics at {@code /metrics}
 * @param upstreams the remote MCP servers, in config order (which is also the order of precedence when
 *     two unprefixed upstreams announce the same tool name)
 * @param source where the config came from, for messages ("portico.yaml", "built-in demo")
 */
public record PorticoConfig(
        ServerConfig server,
        OAuthConfig oauth,
        SecurityConfig security,
        StorageConfig storage,
        LimitsConfig limits,
        MetricsConfig metrics,
        List<UpstreamConfig> upstreams,
        String source) {

    public PorticoConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(oauth, "oauth");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(metrics, "metrics");
        upstreams = List.copyOf(upstreams);
        Objects.requireNonNull(source, "source");
    }

    /** A config with the default limits and metrics served. */
    public PorticoConfig(
            ServerConfig server,
            OAuthConfig oauth,
            SecurityConfig security,
            StorageConfig storage,
            List<UpstreamConfig> upstreams,
            String source) {
        this(server, oauth, security, storage, LimitsConfig.defaults(), MetricsConfig.defaults(), upstreams, source);
    }

    /** A config that keeps its state in memory. */
    public PorticoConfig(
            ServerConfig server,
            OAuthConfig oauth,
            SecurityConfig security,
            List<UpstreamConfig> upstreams,
            String source) {
        this(server, oauth, security, StorageConfig.memory(), upstreams, source);
    }

    /** A config with the default OAuth, security and storage settings. */
    public PorticoConfig(ServerConfig server, List<UpstreamConfig> upstreams, String source) {
        this(server, OAuthConfig.defaults(), SecurityConfig.defaults(), upstreams, source);
    }

    /** The same config with other limits. */
    public PorticoConfig withLimits(LimitsConfig newLimits) {
        return new PorticoConfig(server, oauth, security, storage, newLimits, metrics, upstreams, source);
    }

    public Optional<UpstreamConfig> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }
}
