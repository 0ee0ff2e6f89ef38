package dev.portico.aggregator.cli;

import dev.portico.aggregator.Portico;
import dev.portico.aggregator.auth.SystemBrowser;
import dev.portico.config.ConfigException;
import dev.portico.config.PorticoConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Portico and keeps it running until the process is stopped (HTTP) or the stdio client goes away. */
final class PorticoRunner {

    private static final Logger log = LoggerFactory.getLogger(PorticoRunner.class);

    /** For a Portico that needs nothing beside it while it serves. */
    private static final Function<Portico, AutoCloseable> NOTHING_MORE = portico -> () -> {};

    private PorticoRunner() {}

    /**
     * Serves HTTP until the JVM shuts down (Ctrl+C, SIGTERM); a shutdown hook closes Portico and then
     * {@code resources}.
     *
     * @param portInUseHint how to fix "address already in use", for the error message
     * @param onListening called once Portico listens, with its base URL (no trailing slash)
     * @throws StartupException if Portico cannot start; {@code resources} are closed then
     */
    static int runHttp(
            PorticoConfig config, String portInUseHint, Consumer<URI> onListening, AutoCloseable... resources)
            throws InterruptedException {
        return runHttp(config, portInUseHint, onListening, NOTHING_MORE, resources);
    }

    /**
     * {@link #runHttp(PorticoConfig, String, Consumer, AutoCloseable...)} with {@code whileServing} started once
     * Portico serves, and closed first when it stops (for example following the config file).
     */
    static int runHttp(
            PorticoConfig config,
            String portInUseHint,
            Consumer<URI> onListening,
            Function<Portico, AutoCloseable> whileServing,
            AutoCloseable... resources)
            throws InterruptedException {
        Portico portico;
        try {
            portico = Portico.startHttp(config);
        } catch (ConfigException e) {
            // Only known once listening (a hosted client metadata document): still a config error, exit 2.
            Shutdown.closeAll(resources);
            throw e;
        } catch (Exception e) {
            Shutdown.closeAll(resources);
            throw startupFailure(config, portInUseHint, e);
        }
        Shutdown shutdown = Shutdown.onExit(whileServing.apply(portico), andThen(portico, resources));
        URI base = baseUri(portico);
        log.info("Portico listening on {} (MCP at {}/mcp, legacy SSE at {}/sse)", base, base, base);
        onListening.accept(base);
        shutdown.awaitClosed();
        return PorticoMain.EXIT_OK;
    }

    /**
     * Serves one MCP client over {@code in}/{@code out} until it closes {@code in}; then closes Portico and
     * {@code resources} and returns 0.
     */
    static int runStdio(PorticoConfig config, InputStream in, OutputStream out, AutoCloseable... resources)
            throws InterruptedException {
        return runStdio(config, in, out, NOTHING_MORE, resources);
    }

    /** {@link #runStdio(PorticoConfig, InputStream, OutputStream, AutoCloseable...)} with {@code whileServing}. */
    static int runStdio(
            PorticoConfig config,
            InputStream in,
            OutputStream out,
            Function<Portico, AutoCloseable> whileServing,
            AutoCloseable... resources)
            throws InterruptedException {
        Portico portico;
        try {
            portico = Portico.startStdio(config, in, out, SystemBrowser::open);
        } catch (Exception e) {
            Shutdown.closeAll(resources);
            throw new StartupException("could not start Portico in stdio mode: " + Failures.describe(e), e);
        }
        Shutdown shutdown = Shutdown.onExit(whileServing.apply(portico), andThen(portico, resources));
        portico.awaitStdioEnd();
        log.info("The stdio client closed its input; stopping");
        shutdown.close();
        return PorticoMain.EXIT_OK;
    }

    private static AutoCloseable[] andThen(Portico portico, AutoCloseable... resources) {
        AutoCloseable[] all = new AutoCloseable[resources.length + 1];
        all[0] = portico;
        System.arraycopy(resources, 0, all, 1, resources.length);
        return all;
    }

    static URI baseUri(Portico portico) {
        String base = portico.baseUri().toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base);
    }

    private static StartupException startupFailure(PorticoConfig config, String portInUseHint, Exception e) {
        String address = config.server().host() + ":" + config.server().port();
        if (Failures.bindFailure(e).isPresent()) {
            return new StartupException(
                    "cannot listen on " + address + ": " + bindReason(e) + " — " + portInUseHint, e);
        }
        return new StartupException("could not start Portico on " + address + ": " + Failures.describe(e), e);
    }

    private static String bindReason(Exception e) {
        String message = Failures.bindFailure(e).map(Throwable::getMessage).orElse(null);
        if (message == null || message.isBlank()) {
            return "address already in use";
        }
        // The JDK says "Address already in use"; our messages start in lower case.
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }
}
