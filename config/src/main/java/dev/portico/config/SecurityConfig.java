package dev.portico.config;

import java.util.List;

/**
 * Limits on what Portico's own outbound fetches (metadata, registration, tokens) may reach ({@code security}).
 *
 * @param allowInsecureLoopback whether plain {@code http} is accepted for loopback addresses (never for others)
 * @param allowedPrivateNetworks CIDR blocks that may be reached although they are loopback, private, link-local or
 *     otherwise non-public, such as {@code 127.0.0.0/8} for a local identity provider; empty = none
 * @param allowCrossOriginResourceMetadata whether an upstream's challenge may send Portico to fetch its protected
 *     resource metadata from another origin than the upstream's own; off by default, so that an upstream cannot
 *     point Portico's fetches anywhere it likes
 */
public record SecurityConfig(
        boolean allowInsecureLoopback, List<String> allowedPrivateNetworks, boolean allowCrossOriginResourceMetadata) {

    public SecurityConfig {
        allowedPrivateNetworks = List.copyOf(allowedPrivateNetworks);
    }

    /** With cross-origin resource metadata refused. */
    public SecurityConfig(boolean allowInsecureLoopback, List<String> allowedPrivateNetworks) {
        this(allowInsecureLoopback, allowedPrivateNetworks, false);
    }

    /**
     * The allowed networks, parsed.
     *
     * @throws IllegalArgumentException if an entry is not CIDR notation, which {@link ConfigLoader} has already ruled
     *     out for configs it loads
     */
    public List<CidrBlock> allowedPrivateNetworkBlocks() {
        return allowedPrivateNetworks.stream().map(CidrBlock::parse).toList();
    }

    /** Plain http to loopback allowed (local development), no private network reachable. */
    public static SecurityConfig defaults() {
        return new SecurityConfig(true, List.of());
    }
}
