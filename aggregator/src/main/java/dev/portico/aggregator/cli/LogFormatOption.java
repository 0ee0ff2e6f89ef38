package dev.portico.aggregator.cli;

import dev.portico.aggregator.logging.LogFormat;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --log-format text|json}, on every command that serves and therefore logs (a picocli mixin). */
final class LogFormatOption {

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            description = "text (the default) or json: one JSON object per log line on stderr. Overrides the"
                    + " environment variable " + LogFormat.ENVIRONMENT_VARIABLE + ".")
    private String value;

    /**
     * The format asked for by the option, else by the environment; an invalid value is a usage error (exit 2) that
     * names where it came from.
     */
    LogFormat resolve(CommandSpec spec, Map<String, String> environment) {
        try {
            return LogFormat.resolve(Optional.ofNullable(value), environment);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
