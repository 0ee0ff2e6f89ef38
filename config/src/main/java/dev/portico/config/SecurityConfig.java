package dev.portico.config;

import java.util.List;

/**
 * Limits on what Portico's own outbound fetches (metadata, registration, tokens) may reach ({@code security}).
 *
 * @param allowInsecureLoopback whether plain {@code http} is accepted for loopback addresses (never for others)
 * @param allowedPrivateNetworks CIDR blocks that may be reached although they are loopback, private, link-local or
 *     otherwise non-public, such as {@code 127.0.0.0/8} for a local identity provider; empty = none
 */
public record SecurityConfig(boolean allowInsecureLoopback, List<String> allowedPrivateNetworks) {

    public SecurityConfig {
        allowedPrivateNetworks = List.copyOf(allowedPrivateNetworks);
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
