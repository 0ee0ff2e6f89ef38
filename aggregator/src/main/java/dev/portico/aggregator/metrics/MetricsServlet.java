package dev.portico.aggregator.metrics;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: every meter in the Prometheus text exposition format (version 0.0.4), which every Prometheus
 * server and agent scrapes. Unauthenticated like {@code /healthz}: docs/operations.md says not to expose it publicly.
 */
public final class MetricsServlet extends HttpServlet {

    /** The exposition format's content type (Prometheus "Exposition formats", text-based format). */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final transient PorticoMetrics metrics;

    public MetricsServlet(PorticoMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
