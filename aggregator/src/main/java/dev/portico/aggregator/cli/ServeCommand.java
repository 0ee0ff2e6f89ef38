package dev.portico.aggregator.cli;

import dev.portico.aggregator.Portico;
import dev.portico.aggregator.logging.LogFormat;
import dev.portico.aggregator.reload.ConfigReloader;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code portico serve --config FILE [--stdio] [--log-format text|json]}, also the default command. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve MCP for the upstreams in a config file (the default command).",
            "",
            "Checks the config first; if it is invalid, prints every problem and exits 2 without starting. Then"
                    + " listens on server.host:server.port: streamable HTTP at /mcp, legacy SSE at /sse, health at"
                    + " /healthz and /readyz. With --stdio, serves one MCP client over stdin/stdout instead and exits"
                    + " when stdin closes.",
            "",
            "While it runs, Portico follows the config file: a valid change of the upstreams is applied without a"
                    + " restart, an invalid file is logged and ignored. SIGHUP reloads the file at once."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by SIGTERM or Ctrl+C after draining, or (--stdio) the client closed stdin.",
            "1:Runtime failure, for example the port is already in use.",
            "2:Invalid config (every problem is printed, nothing is started) or invalid usage."
        })
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    private PorticoMain main;

    @Option(
            names = "--config",
            required = true,
            paramLabel = "FILE",
            description = "The YAML config file (see docs/configuration.md).")
    private Path config;

    @Option(names = "--stdio", description = "Serve one MCP client over stdin/stdout; exits when stdin closes.")
    private boolean stdio;

    @Mixin
    private LogFormatOption logFormat;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return serve(main, config, stdio, logFormat.resolve(spec, System.getenv()));
    }

    static int serve(PorticoMain main, Path configFile, boolean stdio, LogFormat logFormat)
            throws InterruptedException {
        main.startLogging(logFormat);
        ConfigLoader loader = ConfigLoader.withSystemEnvironment();
        // A ConfigException reaches PorticoMain's handler: every problem on stderr, exit 2, nothing started.
        PorticoConfig config = loader.load(configFile);
        Function<Portico, AutoCloseable> follow = portico -> follow(configFile, loader, portico, main.ownsProcess());
        if (stdio) {
            return PorticoRunner.runStdio(config, main.in(), main.out(), follow);
        }
        return PorticoRunner.runHttp(
                config, "stop the other process, or set another server.port in " + configFile, base -> {}, follow);
    }

    /**
     * Follows the config file while Portico serves: a change of it is applied live. SIGHUP reloads it too, when this
     * command runs as the process's {@code main} (in-process callers, such as tests, keep the JVM's signals alone).
     */
    private static ConfigReloader follow(Path configFile, ConfigLoader loader, Portico portico, boolean signals) {
        ConfigReloader reloader = ConfigReloader.follow(configFile, loader, portico);
        if (signals) {
            Shutdown.handleSignal("HUP", () -> {
                try {
                    reloader.reload("SIGHUP");
                } catch (RejectedExecutionException e) {
                    // Stopping: the reloader is closed, and the running config is all that matters now.
                }
            });
        }
        return reloader;
    }
}
