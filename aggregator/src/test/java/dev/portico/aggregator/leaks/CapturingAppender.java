package dev.portico.aggregator.leaks;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Keeps every event it is given as a {@link CapturedLine}: whatever any layout could print of it. Safe for concurrent
 * use.
 */
final class CapturingAppender extends AppenderBase<ILoggingEvent> {

    private final ConcurrentLinkedQueue<CapturedLine> lines = new ConcurrentLinkedQueue<>();

    CapturingAppender() {
        setName("secret-leak-capture");
    }

    @Override
    protected void append(ILoggingEvent event) {
        StringBuilder text = new StringBuilder(String.valueOf(event.getFormattedMessage()));
        if (!event.getMDCPropertyMap().isEmpty()) {
            text.append(" mdc=").append(event.getMDCPropertyMap());
        }
        if (event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty()) {
            text.append(" kv=").append(event.getKeyValuePairs());
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            // Class and message of the throwable, of every cause and suppressed exception, and every stack frame.
            text.append('\n').append(ThrowableProxyUtil.asString(thrown));
        }
        lines.add(new CapturedLine(event.getLoggerName(), event.getLevel().toString(), text.toString()));
    }

    List<CapturedLine> lines() {
        return List.copyOf(lines);
    }
}
