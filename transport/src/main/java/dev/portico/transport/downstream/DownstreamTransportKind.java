package dev.portico.transport.downstream;

/** How a downstream client is connected. */
public enum DownstreamTransportKind {
    STREAMABLE_HTTP("streamable-http"),
    SSE("sse"),
    STDIO("stdio");

    private final String label;

    DownstreamTransportKind(String label) {
        this.label = label;
    }

    /** The name used in logs and metrics. */
    public String label() {
        return label;
    }
}
