package dev.portico.aggregator.cli;

import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code portico serve --config FILE [--stdio]}, also the default command. */
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

    @Override
    public Integer call() throws Exception {
        return serve(main, config, stdio);
    }

    static int serve(PorticoMain main, Path configFile, boolean stdio) throws InterruptedException {
        // A ConfigException reaches PorticoMain's handler: every problem on stderr, exit 2, nothing started.
        PorticoConfig config = ConfigLoader.withSystemEnvironment().load(configFile);
        if (stdio) {
            return PorticoRunner.runStdio(config, main.in(), main.out());
        }
        return PorticoRunner.runHttp(
                config, "stop the other process, or set another server.port in " + configFile, base -> {});
    }
}
