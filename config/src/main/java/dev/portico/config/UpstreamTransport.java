package dev.portico.config;

import java.util.Arrays;
import java.util.Optional;

/** How Portico reaches an upstream MCP server. */
public enum UpstreamTransport {
    /** MCP streamable HTTP (2025-03-26 and later). */
    STREAMABLE_HTTP("streamable-http"),
    /** The legacy HTTP+SSE transport (2024-11-05). */
    SSE("sse"),
    /** A child process speaking JSON-RPC on its stdin and stdout. */
    STDIO("stdio");

    private final String configName;

    UpstreamTransport(String configName) {
        this.configName = configName;
    }

    /** The spelling used in the config file. */
    public String configName() {
        return configName;
    }

    public boolean isHttp() {
        return this != STDIO;
    }

    public static Optional<UpstreamTransport> fromConfigName(String name) {
        return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst();
    }
}
