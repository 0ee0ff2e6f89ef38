package dev.portico.oauth.audit;

import com.nimbusds.jose.util.JSONObjectUtils;
import dev.portico.oauth.token.LogIds;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link AuditRecord}s to the logger {@value #LOGGER_NAME}, one JSON object per line, so that a log shipper
 * can parse them without a pattern of its own and an operator can route them apart from the rest (a Logback logger
 * with its own appender and {@code additivity="false"}).
 *
 * <p>Fields, always in this order: {@code ts} (ISO-8601 instant), {@code event} (an {@link AuditEvent} in lower case:
 * {@code challenge_issued}, {@code callback}, {@code refresh}, {@code step_up}, {@code logout}, {@code revocation},
 * {@code client_credentials}, {@code token_exchange}), {@code outcome} ({@code ok} or {@code failed}), {@code server}
 * (the upstream's name, {@code *} for every upstream, {@code -} when unknown), {@code issuer} (or null), {@code
 * session} (first 8 characters of the session or principal, {@code -} when unknown), {@code error} (on failure the
 * authorization server's error code or Portico's own, such as {@code unknown_state} or {@code iss_mismatch}; else
 * null), {@code detail} (or null). Successes are written at INFO, failures at WARN. docs/oauth.md ("Audit log") lists
 * the error codes. {@link AuditListener}s hear of every record, even when the logger is off.
 *
 * <p>Safe for concurrent use.
 */
public final class AuthAudit {

    public static final String LOGGER_NAME = "portico.audit";

    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    /** Not the audit logger: a failing listener is Portico's problem, not an authentication event. */
    private static final Logger OWN_LOG = LoggerFactory.getLogger(AuthAudit.class);

    private final Clock clock;
    private final List<AuditListener> listeners = new CopyOnWriteArrayList<>();

    public AuthAudit(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Tells {@code listener} of every record from now on. */
    public void listen(AuditListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void record(AuditRecord record) {
        for (AuditListener listener : listeners) {
            try {
                listener.recorded(record);
            } catch (RuntimeException e) {
                OWN_LOG.warn(
                        "An audit listener failed on a {} event: {}",
                        record.event().fieldValue(),
                        e.toString());
            }
        }
        if (record.ok() ? !LOG.isInfoEnabled() : !LOG.isWarnEnabled()) {
            return;
        }
        String line = line(record);
        if (record.ok()) {
            LOG.info(line);
        } else {
            LOG.warn(line);
        }
    }

    /** The JSON line of {@code record}; see the class comment for its fields. */
    String line(AuditRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ts", clock.instant().toString());
        fields.put("event", record.event().fieldValue());
        fields.put("outcome", record.ok() ? "ok" : "failed");
        fields.put("server", record.server());
        fields.put("issuer", record.issuer().orElse(null));
        fields.put("session", LogIds.owner(record.owner()));
        fields.put("error", record.error().orElse(null));
        fields.put("detail", record.detail().orElse(null));
        return JSONObjectUtils.toJSONString(fields);
    }
}
