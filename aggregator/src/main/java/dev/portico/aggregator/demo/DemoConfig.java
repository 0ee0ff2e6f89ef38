package dev.portico.aggregator.demo;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The configuration {@code portico demo} runs with: Portico on 127.0.0.1 in front of the {@link DemoUpstream} and,
 * when serving HTTP, a {@link ProtectedDemoUpstream} that trusts a {@link DemoIdentityProvider}.
 */
public final class DemoConfig {

    /** The upstream's name, and so the prefix of its tools: {@code demo__echo}. */
    public static final String UPSTREAM_NAME = "demo";

    /** The protected upstream's name: its tools appear once the user signed in, as {@code calendar__whoami}. */
    public static final String PROTECTED_UPSTREAM_NAME = "calendar";

    /** The source name the demo config is parsed under; it appears in config problems and logs. */
    public static final String SOURCE_NAME = "built-in demo";

    private DemoConfig() {}

    /**
     * The YAML text of the demo config.
     *
     * @param demoUpstreamUrl the MCP endpoint of a running {@link DemoUpstream} ({@link DemoUpstream#mcpUrl()})
     * @param port the port Portico listens on, 0 for a free one
     */
    public static String yaml(URI demoUpstreamUrl, int port) {
        return yaml(demoUpstreamUrl, Optional.empty(), port);
    }

    /**
     * The YAML text of the demo config.
     *
     * @param demoUpstreamUrl the MCP endpoint of a running {@link DemoUpstream} ({@link DemoUpstream#mcpUrl()})
     * @param protectedUpstreamUrl the MCP endpoint of a running {@link ProtectedDemoUpstream}, if one runs
     * @param port the port Portico listens on, 0 for a free one
     */
    public static String yaml(URI demoUpstreamUrl, Optional<URI> protectedUpstreamUrl, int port) {
        Objects.requireNonNull(demoUpstreamUrl, "demoUpstreamUrl");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        String base =
                """
                # Built by `portico demo`: Portico on the loopback interface in front of the built-in demo servers.
                server:
                  host: 127.0.0.1
                  port: %d
                security:
                  # The demo identity provider and protected upstream run on this machine.
                  allowedPrivateNetworks: [127.0.0.0/8]
                upstreams:
                  - name: %s
                    transport: streamable-http
                    url: "%s"
                """
                        .formatted(port, UPSTREAM_NAME, demoUpstreamUrl);
        return base
                + protectedUpstreamUrl
                        .map(url ->
                                """
                                  - name: %s
                                    transport: streamable-http
                                    url: "%s"
                                """
                                        .formatted(PROTECTED_UPSTREAM_NAME, url))
                        .orElse("");
    }
}
