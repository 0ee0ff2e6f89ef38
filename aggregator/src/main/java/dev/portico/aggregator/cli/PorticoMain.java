package dev.portico.aggregator.cli;

import dev.portico.aggregator.logging.LogFormat;
import dev.portico.aggregator.logging.LogbackSetup;
import dev.portico.config.ConfigException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Portico's command line: {@code portico [serve] --config FILE [--stdio] [--log-format text|json]}, {@code portico
 * demo}, {@code portico check-config} and {@code portico version}.
 *
 * <p>Exit codes: {@value #EXIT_OK} success, {@value #EXIT_CONFIG} a bad config or bad usage, {@value #EXIT_FAILURE}
 * a failure at runtime (for example, the port is in use).
 *
 * <p>Only the commands' deliberate output goes to stdout ({@link #run} takes it as {@code out}); logs and errors go to
 * stderr. In stdio mode stdout is the MCP channel.
 */
@Command(
        name = "portico",
        mixinStandardHelpOptions = true,
        versionProvider = PorticoVersion.class,
        synopsisHeading = "",
        customSynopsis = {
            "Usage: portico [serve] --config=FILE [--stdio]",
            "       portico demo [--port=N] [--stdio]",
            "       portico check-config --config=FILE",
            "       portico version",
            "       portico COMMAND --help"
        },
        description = {
            "One MCP endpoint in front of many upstream MCP servers.",
            "",
            "serve is the default command: 'portico --config FILE [--stdio]' is 'portico serve --config FILE"
                    + " [--stdio]'."
        },
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            CheckConfigCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:Success (or, in stdio mode, the client closed stdin).",
            "1:Runtime failure, for example the port is already in use.",
            "2:Invalid configuration or invalid command-line usage."
        })
public final class PorticoMain implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_CONFIG = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "The YAML config file (see docs/configuration.md).")
    private Path config;

    @Option(names = "--stdio", description = "Serve one MCP client over stdin/stdout instead of listening on HTTP.")
    private boolean stdio;

    @Mixin
    private LogFormatOption logFormat;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    /** Whether this command line runs as the process's {@code main}, and so may take over its signals. */
    private final boolean ownsProcess;

    private PorticoMain(InputStream in, PrintStream out, PrintStream err, boolean ownsProcess) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.ownsProcess = ownsProcess;
    }

    public static void main(String[] args) {
        CommonPool.ensureParallelism();
        KeepAliveConnections.ensure();
        // Stdout belongs to the commands' own output and, in stdio mode, to the MCP protocol. Anything else that
        // prints to System.out (a library, logback's status messages) is sent to stderr instead.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        LogbackSetup.quietFirstConfiguration();
        Shutdown.exitZeroOnStopSignals();
        // The process's logging and signals are main's to set up; in-process runs (tests, embedding) keep their own.
        System.exit(execute(commandLine(System.in, stdout, System.err, true), args));
    }

    /** Runs a command line in-process with stdin as input; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.in, out, err);
    }

    /**
     * Runs a command line in-process; returns the exit code.
     *
     * @param in the MCP input in stdio mode
     * @param out the commands' output, and the MCP output in stdio mode
     * @param err errors and usage messages
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return execute(commandLine(in, out, err), args);
    }

    private static int execute(CommandLine commandLine, String[] args) {
        PorticoMain main = commandLine.getCommand();
        int exitCode = commandLine.execute(args);
        main.out.flush();
        main.err.flush();
        return exitCode;
    }

    /**
     * The picocli command line, wired to the given streams, with Portico's exit codes and error messages. It leaves
     * the logging configuration alone: {@code --log-format} is checked, and applied only by {@link #main}.
     */
    public static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err) {
        return commandLine(in, out, err, false);
    }

    /**
     * @param ownsProcess whether the command line runs as the process's {@code main}: only then does it set up
     *     logging and handle signals (SIGHUP reloads the config), which belong to the whole JVM
     */
    private static CommandLine commandLine(InputStream in, PrintStream out, PrintStream err, boolean ownsProcess) {
        CommandLine commandLine = new CommandLine(new PorticoMain(in, out, err, ownsProcess));
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler(PorticoMain::handleFailure);
        return commandLine;
    }

    /** {@code portico --config FILE [--stdio]}: the same as {@code portico serve}. */
    @Override
    public Integer call() throws Exception {
        if (config == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        return ServeCommand.serve(this, config, stdio, logFormat.resolve(spec, System.getenv()));
    }

    /** Sets up the process's logging in {@code format} (or not, in-process), before the command logs anything. */
    void startLogging(LogFormat format) {
        if (ownsProcess) {
            LogbackSetup.apply(format);
        }
    }

    InputStream in() {
        return in;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    boolean ownsProcess() {
        return ownsProcess;
    }

    /** One clear message on stderr, no stack trace; a config problem exits 2, anything else 1. */
    private static int handleFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter errors = commandLine.getErr();
        if (e instanceof ConfigException configProblem) {
            errors.println(configProblem.getMessage());
            errors.flush();
            return EXIT_CONFIG;
        }
        errors.println("portico: " + Failures.describe(e));
        errors.flush();
        return EXIT_FAILURE;
    }
}
