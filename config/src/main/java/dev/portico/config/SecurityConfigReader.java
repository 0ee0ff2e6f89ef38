package dev.portico.config;

import java.util.List;
import java.util.Optional;

/** Reads {@code security}: what Portico's own outbound fetches may reach. */
final class SecurityConfigReader {

    static final List<String> KEYS =
            List.of("allowInsecureLoopback", "allowedPrivateNetworks", "allowCrossOriginResourceMetadata");

    private SecurityConfigReader() {}

    /** The security settings, {@link SecurityConfig#defaults()} when the section is absent, or null on problems. */
    static SecurityConfig read(MappingReader root, Problems problems) {
        SecurityConfig defaults = SecurityConfig.defaults();
        if (!root.has("security")) {
            return defaults;
        }
        Optional<MappingReader> found =
                root.mapping("security", "security: {allowInsecureLoopback: false, allowedPrivateNetworks: []}");
        if (found.isEmpty()) {
            return null;
        }
        MappingReader security = found.get();
        int before = problems.count();
        security.allowOnly(KEYS);
        boolean allowInsecureLoopback = security.bool("allowInsecureLoopback").orElse(defaults.allowInsecureLoopback());
        List<String> networks =
                security.cidrBlocks("allowedPrivateNetworks", "allowedPrivateNetworks: [127.0.0.0/8, \"::1/128\"]");
        boolean crossOrigin =
                security.bool("allowCrossOriginResourceMetadata").orElse(defaults.allowCrossOriginResourceMetadata());
        return problems.count() == before ? new SecurityConfig(allowInsecureLoopback, networks, crossOrigin) : null;
    }
}
