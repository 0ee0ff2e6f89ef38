package dev.portico.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Portico in a JVM of its own, as it runs in production: the load driver and Portico then do not share a heap, a
 * garbage collector or a JIT, and the figures are Portico's alone. It runs from the shaded {@code portico.jar} when
 * one is given, else from the driver's class path (the same code).
 */
final class PorticoChild implements AutoCloseable {

    /** Logged by the CLI once Portico accepts connections. */
    private static final Pattern LISTENING = Pattern.compile("Portico listening on (http://\\S+)");

    /** A child JVM starts in a second or two, but a loaded machine can take much longer. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final ChildJvm jvm;
    private final URI baseUri;

    private PorticoChild(ChildJvm jvm, URI baseUri) {
        this.jvm = jvm;
        this.baseUri = baseUri;
    }

    /** {@code portico serve} with a config that puts {@code upstreamUrl} behind Portico as upstream {@code echo}. */
    static PorticoChild serve(BenchOptions options, URI upstreamUrl, String logName) throws Exception {
        // Apart from the logs: Portico watches its config's directory, and the logs change with every call.
        Path config =
                Files.createDirectories(options.logDirectory.resolve("config")).resolve(logName + ".yaml");
        Files.writeString(
                config,
                """
                # Written by the Portico benchmark (dev.portico.bench): one echo upstream, Portico on a free port.
                server:
                  host: 127.0.0.1
                  port: 0
                upstreams:
                  - name: echo
                    transport: streamable-http
                    url: "%s"
                """
                        .formatted(upstreamUrl));
        ChildJvm jvm = ChildJvm.start(
                options.porticoJvmFlags,
                command(options, "serve", "--config", config.toString()),
                options.logDirectory.resolve(logName + ".log"),
                LISTENING);
        try {
            return new PorticoChild(
                    jvm, URI.create(jvm.awaitReady(START_TIMEOUT).group(1)));
        } catch (Exception e) {
            jvm.close();
            throw e;
        }
    }

    /** The command line after {@code java <flags>} that runs the Portico CLI with {@code args}. */
    static List<String> command(BenchOptions options, String... args) {
        if (options.porticoJar.isPresent()) {
            List<String> command =
                    new ArrayList<>(List.of("-jar", options.porticoJar.get().toString()));
            command.addAll(List.of(args));
            return command;
        }
        return ChildJvm.classPathCommand("dev.portico.aggregator.cli.PorticoMain", args);
    }

    URI baseUri() {
        return baseUri;
    }

    URI mcp() {
        return baseUri.resolve("/mcp");
    }

    URI sse() {
        return baseUri.resolve("/sse");
    }

    long pid() {
        return jvm.pid();
    }

    @Override
    public void close() throws InterruptedException {
        jvm.close();
    }
}
