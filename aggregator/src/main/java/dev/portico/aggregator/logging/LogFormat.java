package dev.portico.aggregator.logging;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How Portico writes its log lines to stderr: {@link #TEXT} for people (the default), {@link #JSON} for log
 * shippers. Chosen by {@code --log-format}, else by the environment variable {@value #ENVIRONMENT_VARIABLE}, else
 * text.
 */
public enum LogFormat {
    /** One line per event: time, level, logger, message, then the request's fields in brackets. */
    TEXT("logback.xml"),
    /** One JSON object per line (logstash-logback-encoder), the request's fields as fields of their own. */
    JSON("portico-logback-json.xml");

    public static final String ENVIRONMENT_VARIABLE = "PORTICO_LOG_FORMAT";

    private final String configuration;

    LogFormat(String configuration) {
        this.configuration = configuration;
    }

    /** The Logback configuration on the class path that writes this format. */
    String configuration() {
        return configuration;
    }

    /** The format's name on the command line and in the environment: {@code text} or {@code json}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format asked for: {@code option} (the value of {@code --log-format}) if given, else the environment
     * variable, else {@link #TEXT}.
     *
     * @throws IllegalArgumentException naming where the value came from, when it is neither {@code text} nor {@code
     *     json}
     */
    public static LogFormat resolve(Optional<String> option, Map<String, String> environment) {
        if (option.isPresent()) {
            return parse(option.get(), "--log-format");
        }
        String fromEnvironment = environment.get(ENVIRONMENT_VARIABLE);
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            return TEXT;
        }
        return parse(fromEnvironment, "the environment variable " + ENVIRONMENT_VARIABLE);
    }

    private static LogFormat parse(String value, String source) {
        for (LogFormat format : values()) {
            if (format.label().equalsIgnoreCase(value.strip())) {
                return format;
            }
        }
        throw new IllegalArgumentException("Invalid log format '" + value + "' in " + source + ": use text or json");
    }
}
