package dev.portico.aggregator.cli;

import dev.portico.aggregator.demo.DemoConfig;
import dev.portico.aggregator.demo.DemoServers;
import dev.portico.aggregator.logging.LogFormat;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.io.PrintStream;
import java.net.URI;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code portico demo [--port N] [--stdio] [--log-format text|json]}: Portico in front of the built-in demo upstream,
 * no config needed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Try Portico with a built-in demo upstream; no config needed.",
            "",
            "Starts a small demo MCP server on a free loopback port and serves it through Portico on"
                    + " http://127.0.0.1:PORT/mcp, or over stdin/stdout with --stdio. Its tools appear as demo__echo,"
                    + " demo__add, demo__now and demo__roll_dice. Over HTTP, a second server, calendar, needs a"
                    + " sign-in at a local demo identity provider, to show Portico's sign-in flow."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Stopped by SIGTERM or Ctrl+C, or (--stdio) the client closed stdin.",
            "1:Runtime failure, for example the port is already in use.",
            "2:Invalid usage, for example a port out of range."
        })
final class DemoCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoCommand.class);

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private PorticoMain main;

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8080",
            description = "The port Portico listens on, on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    private int port;

    @Option(names = "--stdio", description = "Serve one MCP client over stdin/stdout instead of HTTP.")
    private boolean stdio;

    @Mixin
    private LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid value for option '--port': " + port + " is not between 0 and 65535");
        }
        LogFormat format = logFormat.resolve(spec, System.getenv());
        main.startLogging(format);
        DemoServers servers = startServers();
        PorticoConfig config;
        try {
            config = ConfigLoader.withSystemEnvironment()
                    .parse(
                            DemoConfig.yaml(servers.upstreamUrl(), servers.protectedUpstreamUrl(), stdio ? 0 : port),
                            DemoConfig.SOURCE_NAME);
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
        if (stdio) {
            if (format == LogFormat.JSON) {
                // stderr holds nothing but JSON lines then: the banner is one of them.
                log.info(STDIO_BANNER);
            } else {
                printStdioBanner(main.err());
            }
            return PorticoRunner.runStdio(config, main.in(), main.out(), servers);
        }
        return PorticoRunner.runHttp(
                config,
                "stop the other process, or pick another port: portico demo --port N (0 picks a free one)",
                base -> printHttpBanner(main.out(), base),
                servers);
    }

    private static DemoServers startServers() {
        try {
            return DemoServers.start();
        } catch (RuntimeException e) {
            throw new StartupException("could not start the demo servers: " + Failures.describe(e), e);
        }
    }

    static void printHttpBanner(PrintStream out, URI base) {
        String mcp = base + "/mcp";
        out.println(
                """

                Portico demo is running.

                  MCP endpoint (streamable HTTP):  %1$s
                  Legacy SSE endpoint:             %2$s

                Behind it are two built-in MCP servers:

                  demo       tools demo__echo, demo__add, demo__now and demo__roll_dice
                  calendar   needs you to sign in: call calendar__authenticate (or calendar__whoami),
                             open the link it returns, and a local demo identity provider signs you in
                             as demo-user; calendar__whoami then answers as that user.

                Connect a client, for example Claude Code:

                  claude mcp add --transport http portico %1$s

                or any client configured with JSON:

                  {
                    "mcpServers": {
                      "portico": { "type": "http", "url": "%1$s" }
                    }
                  }

                Press Ctrl+C to stop.
                """
                        .formatted(mcp, base + "/sse"));
        out.flush();
    }

    private static final String STDIO_BANNER =
            """
            Portico demo is serving MCP over stdin/stdout, with two upstreams: "demo" (tools demo__echo,
            demo__add, demo__now, demo__roll_dice) and "calendar", which needs you to sign in: call
            calendar__authenticate and open the link it returns (served on 127.0.0.1 while the demo runs).
            It stops when stdin closes. To use it from a client:

              { "command": "/path/to/portico", "args": ["demo", "--stdio"] }
            """;

    static void printStdioBanner(PrintStream err) {
        err.println(STDIO_BANNER);
        err.flush();
    }
}
