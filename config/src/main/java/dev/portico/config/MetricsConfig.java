package dev.portico.config;

/**
 * Portico's own metrics ({@code metrics}): Prometheus text at {@value #PATH} on the HTTP listener. Stdio mode has no
 * HTTP listener and serves none.
 *
 * @param enabled whether {@value #PATH} is served
 */
public record MetricsConfig(boolean enabled) {

    /** Where the metrics are served, beside {@code /healthz} and {@code /readyz}. */
    public static final String PATH = "/metrics";

    /** Served: the default. */
    public static MetricsConfig defaults() {
        return new MetricsConfig(true);
    }
}
