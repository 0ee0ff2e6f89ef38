package dev.portico.oauth.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portico.oauth.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AuthAuditTest {

    private static final String SESSION = "0123456789abcdef-session";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final AuthAudit audit = new AuthAudit(clock);
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuthAudit.LOGGER_NAME);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    @Test
    void aSuccessIsOneJsonLineAtInfoWithEveryFieldAndTheSessionShortened() throws Exception {
        audit.record(AuditRecord.ok(AuditEvent.CALLBACK, "calendar", "https://idp.example", SESSION));

        assertThat(lines.list).hasSize(1);
        ILoggingEvent line = lines.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.INFO);
        assertThat(line.getLoggerName()).isEqualTo("portico.audit");
        assertThat(line.getFormattedMessage()).doesNotContain("\n").doesNotContain(SESSION);
        Map<String, Object> fields = JSONObjectUtils.parse(line.getFormattedMessage());
        assertThat(fields)
                .containsEntry("ts", "2026-11-23T12:00:00Z")
                .containsEntry("event", "callback")
                .containsEntry("outcome", "ok")
                .containsEntry("server", "calendar")
                .containsEntry("issuer", "https://idp.example")
                .containsEntry("session", "01234567…")
                .containsEntry("error", null)
                .containsEntry("detail", null);
        assertThat(fields.keySet())
                .containsExactly("ts", "event", "outcome", "server", "issuer", "session", "error", "detail");
    }

    @Test
    void aFailureIsAWarningCarryingTheServersErrorCode() throws Exception {
        audit.record(AuditRecord.failed(
                AuditEvent.REFRESH, "calendar", "https://idp.example", SESSION, "invalid_grant", "refresh refused"));

        ILoggingEvent line = lines.list.get(0);
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        Map<String, Object> fields = JSONObjectUtils.parse(line.getFormattedMessage());
        assertThat(fields)
                .containsEntry("event", "refresh")
                .containsEntry("outcome", "failed")
                .containsEntry("error", "invalid_grant")
                .containsEntry("detail", "refresh refused");
    }

    @Test
    void quotesAndControlCharactersInADetailCannotBreakTheLine() throws Exception {
        audit.record(AuditRecord.failed(
                AuditEvent.CALLBACK, "a\"b", null, SESSION, "access_denied", "line one\nline two \"quoted\""));

        String text = lines.list.get(0).getFormattedMessage();
        assertThat(text).doesNotContain("\n");
        Map<String, Object> fields = JSONObjectUtils.parse(text);
        assertThat(fields)
                .containsEntry("server", "a\"b")
                .containsEntry("issuer", null)
                .containsEntry("detail", "line one\nline two \"quoted\"");
    }

    @Test
    void listenersHearOfEveryRecordEvenWhenTheAuditLoggerIsOff() {
        List<AuditRecord> heard = new ArrayList<>();
        audit.listen(heard::add);
        Level before = logger.getLevel();
        logger.setLevel(Level.OFF);
        try {
            audit.record(AuditRecord.ok(AuditEvent.REFRESH, "calendar", "https://idp.example", SESSION));
        } finally {
            logger.setLevel(before);
        }

        assertThat(heard).extracting(AuditRecord::event).containsExactly(AuditEvent.REFRESH);
        assertThat(lines.list).isEmpty();
    }

    @Test
    void aFailingListenerNeitherStopsTheLineNorTheListenersAfterIt() {
        List<AuditRecord> heard = new ArrayList<>();
        audit.listen(record -> {
            throw new IllegalStateException("broken listener");
        });
        audit.listen(heard::add);

        audit.record(AuditRecord.ok(AuditEvent.CALLBACK, "calendar", "https://idp.example", SESSION));

        assertThat(heard).hasSize(1);
        assertThat(lines.list).hasSize(1);
    }
}
