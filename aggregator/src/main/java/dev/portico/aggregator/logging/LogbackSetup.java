package dev.portico.aggregator.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.NopStatusListener;
import ch.qos.logback.core.util.StatusPrinter2;
import java.net.URL;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Points the process's Logback at the configuration of a {@link LogFormat}. Only the {@code portico} process's own
 * {@code main} calls this: code that runs Portico in-process (tests, an embedding application) keeps its logging.
 *
 * <p>Logback configures itself when the first logger is created, which happens before the command line is parsed;
 * so this resets that configuration and loads the chosen one, before Portico logs its first line. A configuration
 * file given with {@code -Dlogback.configurationFile} is the operator's choice and is left alone.
 */
public final class LogbackSetup {

    static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    /** Logback's own switch for where its status messages (not log lines) go. */
    static final String STATUS_LISTENER_PROPERTY = "logback.statusListenerClass";

    private LogbackSetup() {}

    /**
     * Keeps Logback's first, automatic configuration quiet. It happens at the first logger, before the command line
     * is parsed, and would print its status messages (on a class path with two {@code logback-test.xml}, say) as
     * plain text lines; {@link #apply} reports the problems of the configuration that counts. Call before anything
     * logs. Leaves an operator's own {@code -D} choices alone.
     */
    public static void quietFirstConfiguration() {
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) == null
                && System.getProperty(STATUS_LISTENER_PROPERTY) == null) {
            System.setProperty(STATUS_LISTENER_PROPERTY, NopStatusListener.class.getName());
        }
    }

    /**
     * Loads the configuration of {@code format}; does nothing when Logback is not the SLF4J backend or a
     * configuration file was given on the command line.
     *
     * @throws IllegalStateException if the configuration cannot be loaded (a broken build)
     */
    public static void apply(LogFormat format) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return;
        }
        if (System.getProperty(CONFIGURATION_FILE_PROPERTY) != null) {
            if (format != LogFormat.TEXT) {
                LoggerFactory.getLogger(LogbackSetup.class)
                        .warn(
                                "Ignoring log format {}: Logback is configured by -D{}",
                                format.label(),
                                CONFIGURATION_FILE_PROPERTY);
            }
            return;
        }
        URL configuration = LogbackSetup.class.getClassLoader().getResource(format.configuration());
        if (configuration == null) {
            throw new IllegalStateException("the Logback configuration " + format.configuration() + " is missing");
        }
        long since = System.currentTimeMillis();
        context.reset();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(configuration);
        } catch (JoranException e) {
            throw new IllegalStateException("could not load the Logback configuration " + configuration, e);
        }
        // Logback's own complaints, if any, on stderr (main points System.out there too).
        new StatusPrinter2().printInCaseOfErrorsOrWarnings(context, since);
    }
}
