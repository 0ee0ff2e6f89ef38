package dev.portico.aggregator;

import dev.portico.aggregator.auth.SignInBroker;
import dev.portico.aggregator.auth.SignInWiring;
import dev.portico.aggregator.gateway.Gateway;
import dev.portico.aggregator.health.HealthServlet;
import dev.portico.config.PorticoConfig;
import dev.portico.transport.downstream.HttpMcpServer;
import dev.portico.transport.downstream.StdioMcpServer;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
    private final SignInWiring signIn;
    private final HttpMcpServer http;
    private final StdioMcpServer stdio;
    private final AtomicBoolean ready;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Portico(
            Gateway gateway, SignInWiring signIn, HttpMcpServer http, StdioMcpServer stdio, AtomicBoolean ready) {
        this.gateway = gateway;
        this.signIn = signIn;
        this.http = http;
        this.stdio = stdio;
        this.ready = ready;
    }

    /** Portico's name and version as it announces itself to clients and upstreams. */
    public static McpSchema.Implementation implementation() {
        String version = Portico.class.getPackage().getImplementationVersion();
        return new McpSchema.Implementation("portico", "Portico", version == null ? "dev" : version);
    }

    /**
     * Starts the HTTP listener for {@code config}: streamable HTTP, legacy SSE, the sign-in endpoints and Portico's
     * Client ID Metadata Document, health.
     */
    public static Portico startHttp(PorticoConfig config) throws Exception {
        return startHttp(config, Clock.systemUTC());
    }

    /** {@link #startHttp(PorticoConfig)} with the clock sign-ins and tokens expire by; tests move it. */
    public static Portico startHttp(PorticoConfig config, Clock clock) throws Exception {
        AtomicReference<URI> boundAddress = new AtomicReference<>();
        Supplier<URI> publicBaseUrl = () -> config.server().publicUrl().orElseGet(boundAddress::get);
        SignInWiring signIn = new SignInWiring(config, publicBaseUrl, clock);
        Gateway gateway = new Gateway(config, implementation(), signIn.signInBroker());
        AtomicBoolean ready = new AtomicBoolean();
        HealthServlet health = new HealthServlet(ready::get);
        HttpMcpServer.Builder builder = HttpMcpServer.builder(gateway)
                .host(config.server().host())
                .port(config.server().port())
                .servlet("/healthz", health)
                .servlet("/readyz", health);
        signIn.servlets().forEach(builder::servlet);
        HttpMcpServer http = builder.build();
        try {
            http.start();
            boundAddress.set(http.baseUri());
            signIn.verify();
        } catch (Exception e) {
            gateway.close();
            signIn.close();
            http.close();
            throw e;
        }
        ready.set(true);
        log.info(
                "Portico ready with {} upstream(s) from {}; sign-in callback at {}{}",
                config.upstreams().size(),
                config.source(),
                publicBaseUrl.get(),
                config.oauth().callbackPath());
        return new Portico(gateway, signIn, http, null, ready);
    }

    /** Serves one MCP client over {@code in} and {@code out}. */
    public static Portico startStdio(PorticoConfig config, InputStream in, OutputStream out) {
        // Signing in needs a browser to reach Portico's callback; stdio mode has no listener for it yet.
        Gateway gateway = new Gateway(
                config,
                implementation(),
                SignInBroker.unavailable("signing in to upstreams needs Portico's HTTP listener; in stdio mode,"
                        + " configure the upstream with a static Authorization header instead"));
        StdioMcpServer stdio = StdioMcpServer.start(gateway, in, out);
        log.info(
                "Portico serving one client over stdio with {} upstream(s)",
                config.upstreams().size());
        return new Portico(gateway, null, null, stdio, new AtomicBoolean(true));
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
        if (signIn != null) {
            signIn.close();
        }
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
