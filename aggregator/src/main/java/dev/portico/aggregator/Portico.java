package dev.portico.aggregator;

import dev.portico.aggregator.gateway.Gateway;
import dev.portico.aggregator.health.HealthServlet;
import dev.portico.config.PorticoConfig;
import dev.portico.transport.downstream.HttpMcpServer;
import dev.portico.transport.downstream.StdioMcpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: one config, one {@link Gateway}, and the downstream endpoint that serves it (HTTP, or stdio
 * for a single desktop client). Whoever starts a Portico closes it; closing ends every session and every upstream
 * connection, including stdio children.
 */
public final class Portico implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Portico.class);

    private final Gateway gateway;
    private final HttpMcpServer http;
    private final StdioMcpServer stdio;
    private final AtomicBoolean ready;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Portico(Gateway gateway, HttpMcpServer http, StdioMcpServer stdio, AtomicBoolean ready) {
        this.gateway = gateway;
        this.http = http;
        this.stdio = stdio;
        this.ready = ready;
    }

    /** Portico's name and version as it announces itself to clients and upstreams. */
    public static McpSchema.Implementation implementation() {
        String version = Portico.class.getPackage().getImplementationVersion();
        return new McpSchema.Implementation("portico", "Portico", version == null ? "dev" : version);
    }

    /** Starts the HTTP listener (streamable HTTP, legacy SSE, health) for {@code config}. */
    public static Portico startHttp(PorticoConfig config) throws Exception {
        Gateway gateway = new Gateway(config, implementation());
        AtomicBoolean ready = new AtomicBoolean();
        HealthServlet health = new HealthServlet(ready::get);
        HttpMcpServer http = HttpMcpServer.builder(gateway)
                .host(config.server().host())
                .port(config.server().port())
                .servlet("/healthz", health)
                .servlet("/readyz", health)
                .build();
        try {
            http.start();
        } catch (Exception e) {
            gateway.close();
            http.close();
            throw e;
        }
        ready.set(true);
        log.info("Portico ready with {} upstream(s) from {}", config.upstreams().size(), config.source());
        return new Portico(gateway, http, null, ready);
    }

    /** Serves one MCP client over {@code in} and {@code out}. */
    public static Portico startStdio(PorticoConfig config, InputStream in, OutputStream out) {
        Gateway gateway = new Gateway(config, implementation());
        StdioMcpServer stdio = StdioMcpServer.start(gateway, in, out);
        log.info(
                "Portico serving one client over stdio with {} upstream(s)",
                config.upstreams().size());
        return new Portico(gateway, null, stdio, new AtomicBoolean(true));
    }

    /** Base URL of the HTTP listener, e.g. {@code http://127.0.0.1:8080}. */
    public URI baseUri() {
        if (http == null) {
            throw new IllegalStateException("not serving HTTP");
        }
        return http.baseUri();
    }

    public Gateway gateway() {
        return gateway;
    }

    /** Blocks until the stdio client closed its input (stdio mode only). */
    public void awaitStdioEnd() throws InterruptedException {
        if (stdio == null) {
            throw new IllegalStateException("not serving stdio");
        }
        stdio.awaitEnd();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ready.set(false);
        gateway.close();
        try {
            if (http != null) {
                http.close();
            }
            if (stdio != null) {
                stdio.close();
            }
        } catch (Exception e) {
            log.warn("Stopping the listener: {}", e.getMessage());
        }
        log.info("Portico stopped");
    }
}
