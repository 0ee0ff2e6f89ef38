package dev.portico.aggregator.demo;

import java.net.URI;
import java.util.Objects;

/** The configuration {@code portico demo} runs with: Portico on 127.0.0.1 in front of the {@link DemoUpstream}. */
public final class DemoConfig {

    /** The upstream's name, and so the prefix of its tools: {@code demo__echo}. */
    public static final String UPSTREAM_NAME = "demo";

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
        Objects.requireNonNull(demoUpstreamUrl, "demoUpstreamUrl");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
        }
        return """
                # Built by `portico demo`: Portico on the loopback interface, one upstream (the built-in demo server).
                server:
                  host: 127.0.0.1
                  port: %d
                upstreams:
                  - name: %s
                    transport: streamable-http
                    url: "%s"
                """
                .formatted(port, UPSTREAM_NAME, demoUpstreamUrl);
    }
}
