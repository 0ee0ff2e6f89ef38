package dev.portico.aggregator.leaks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.AppenderBase;
import dev.portico.aggregator.logging.WireLoggingFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Every logger at TRACE into a {@link CapturingAppender}, until {@link #stop}: Logback's loggers (Portico's, the MCP
 * SDK's, Jetty's, Reactor's, the root), and java.util.logging's through the SLF4J bridge (the JDK and libraries that
 * log there). The console appenders keep showing only what they showed before, so that the test output stays
 * readable.
 */
final class TraceEverything {

    private final LoggerContext context;
    private final Map<String, Level> levelsBefore = new HashMap<>();
    private final Map<String, Level> effectiveBefore = new ConcurrentHashMap<>();
    private final CapturingAppender capture = new CapturingAppender();
    private final List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
    /** Passes on to the root's own appenders, which are detached meanwhile, what they would have shown before. */
    private final AppenderBase<ILoggingEvent> asBefore = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(levelBefore(event.getLoggerName()))) {
                consoles.forEach(console -> console.doAppend(event));
            }
        }
    };

    private java.util.logging.Level julLevelBefore;

    private TraceEverything(LoggerContext context) {
        this.context = context;
    }

    static TraceEverything start() {
        TraceEverything tracing = new TraceEverything((LoggerContext) LoggerFactory.getILoggerFactory());
        tracing.begin();
        return tracing;
    }

    private void begin() {
        if (context.getTurboFilterList().stream().noneMatch(WireLoggingFilter.class::isInstance)) {
            // Without it this is not the logging Portico ships (logback.xml installs it), and the check would fail on
            // what Portico already keeps out of its logs.
            throw new IllegalStateException(
                    "logback-test.xml must install " + WireLoggingFilter.class.getName() + " as logback.xml does");
        }
        for (Logger logger : context.getLoggerList()) {
            if (logger.getLevel() != null) {
                levelsBefore.put(logger.getName(), logger.getLevel());
            }
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            consoles.add(it.next());
        }
        consoles.forEach(root::detachAppender);
        asBefore.setContext(context);
        asBefore.start();
        root.addAppender(asBefore);
        capture.setContext(context);
        capture.start();
        root.addAppender(capture);
        levelsBefore.keySet().forEach(name -> context.getLogger(name).setLevel(Level.TRACE));

        java.util.logging.Logger julRoot = java.util.logging.Logger.getLogger("");
        julLevelBefore = julRoot.getLevel();
        SLF4JBridgeHandler.install();
        julRoot.setLevel(java.util.logging.Level.ALL);
    }

    /** Puts every level and appender back as it was; returns what was captured. */
    List<CapturedLine> stop() {
        java.util.logging.Logger.getLogger("").setLevel(julLevelBefore);
        SLF4JBridgeHandler.uninstall();
        levelsBefore.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(capture);
        capture.stop();
        root.detachAppender(asBefore);
        asBefore.stop();
        consoles.forEach(root::addAppender);
        return capture.lines();
    }

    /** The level a logger of this name had before: its own, else its nearest configured ancestor's, else the root's. */
    private Level levelBefore(String loggerName) {
        return effectiveBefore.computeIfAbsent(loggerName, name -> {
            String candidate = name;
            while (true) {
                Level level = levelsBefore.get(candidate);
                if (level != null) {
                    return level;
                }
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return levelsBefore.getOrDefault(Logger.ROOT_LOGGER_NAME, Level.DEBUG);
                }
                candidate = candidate.substring(0, dot);
            }
        });
    }
}
