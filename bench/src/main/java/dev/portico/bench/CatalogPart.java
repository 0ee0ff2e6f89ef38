package dev.portico.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.aggregator.Portico;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The time Portico takes to answer {@code tools/list} over a large catalog: many cheap in-process upstreams with many
 * tools each (100 × 50 by default), Portico in this JVM, one streamable-HTTP session. The first list connects every
 * upstream and is not counted; the figures are the lists after it, whose answers the driver reads but does not parse
 * (parsing a megabyte of JSON would time the driver). Target: p50 at most 20 ms for 100 × 50.
 */
final class CatalogPart {

    static final double TARGET_P50_MS = 20;

    private final BenchOptions options;

    CatalogPart(BenchOptions options) {
        this.options = options;
    }

    void run(Report report) throws Exception {
        int upstreams = options.catalogUpstreams;
        int tools = options.catalogTools;
        Progress.say("catalog: %d upstreams × %d tools, %d lists", upstreams, tools, options.catalogCalls);
        try (EchoUpstreams servers = EchoUpstreams.start(upstreams, tools);
                Portico portico = Portico.startHttp(config(servers.urls()))) {
            McpWire wire = new McpWire();
            try (StreamableSession session =
                    StreamableSession.open(wire, portico.baseUri().resolve("/mcp"))) {
                int listed = list(session);
                if (listed < upstreams * tools) {
                    throw new IllegalStateException(
                            "tools/list answered " + listed + " tools, expected " + upstreams * tools);
                }
                Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
                for (int i = 0; i < options.catalogCalls; i++) {
                    long before = System.nanoTime();
                    session.requestUnparsed("tools/list", Map.of());
                    latencies.recordValue(System.nanoTime() - before);
                }
                double p50 = latencies.getValueAtPercentile(50) / 1e6;
                report.add(
                        "catalog",
                        Report.format("tools/list, %d upstreams × %d tools (%,d tools)", upstreams, tools, listed),
                        Report.format(
                                "p50 %.1f · p99 %.1f · max %.1f ms over %d lists",
                                p50,
                                latencies.getValueAtPercentile(99) / 1e6,
                                latencies.getMaxValue() / 1e6,
                                latencies.getTotalCount()),
                        "p50 ≤20 ms",
                        Report.met(p50 <= TARGET_P50_MS));
            }
        }
    }

    private static int list(BenchSession session) throws Exception {
        JsonNode result = session.request("tools/list", Map.of());
        return result.path("tools").size();
    }

    private static PorticoConfig config(List<URI> urls) {
        StringBuilder yaml = new StringBuilder(
                """
                server:
                  host: 127.0.0.1
                  port: 0
                upstreams:
                """);
        for (int i = 0; i < urls.size(); i++) {
            yaml.append(
                    """
                      - name: u%d
                        transport: streamable-http
                        url: "%s"
                    """
                            .formatted(i, urls.get(i)));
        }
        return new ConfigLoader(name -> null).parse(yaml.toString(), "benchmark catalog");
    }
}
