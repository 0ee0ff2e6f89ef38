package dev.portico.config;

import java.util.ArrayList;
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
        List<String> networks = networks(security, problems).orElse(defaults.allowedPrivateNetworks());
        boolean crossOrigin =
                security.bool("allowCrossOriginResourceMetadata").orElse(defaults.allowCrossOriginResourceMetadata());
        return problems.count() == before ? new SecurityConfig(allowInsecureLoopback, networks, crossOrigin) : null;
    }

    /** The blocks as written; each is checked here so that every consumer can rely on {@link CidrBlock#parse}. */
    private static Optional<List<String>> networks(MappingReader security, Problems problems) {
        Optional<List<MappingReader.Item>> items =
                security.stringItems("allowedPrivateNetworks", "allowedPrivateNetworks: [127.0.0.0/8, \"::1/128\"]");
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<String> networks = new ArrayList<>();
        for (MappingReader.Item item : items.get()) {
            CidrBlock.Parsed parsed = CidrBlock.tryParse(item.text());
            if (parsed.block() == null) {
                problems.add(
                        item.position(),
                        item.path(),
                        "\"" + item.text() + "\" is not a valid CIDR block: " + parsed.problem(),
                        parsed.fix());
            } else {
                networks.add(item.text());
            }
        }
        return Optional.of(networks);
    }
}
