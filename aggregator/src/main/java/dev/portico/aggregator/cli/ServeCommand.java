package dev.portico.aggregator.cli;

import dev.portico.aggregator.logging.LogFormat;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
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
                    + " when stdin closes."
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
        // A ConfigException reaches PorticoMain's handler: every problem on stderr, exit 2, nothing started.
        PorticoConfig config = ConfigLoader.withSystemEnvironment().load(configFile);
        if (stdio) {
            return PorticoRunner.runStdio(config, main.in(), main.out());
        }
        return PorticoRunner.runHttp(
                config, "stop the other process, or set another server.port in " + configFile, base -> {});
    }
}
