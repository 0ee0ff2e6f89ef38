package dev.portico.oauth.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * One audit line before it is written. It holds no credential by construction: there is no field for one, and the
 * owner is shortened when the line is written.
 *
 * @param event what happened
 * @param ok whether it succeeded
 * @param server the upstream's configured name, {@code "*"} for an event about every upstream, or {@link #UNKNOWN}
 *     when not known (a callback whose state matches no sign-in)
 * @param issuer the authorization server's issuer, if known
 * @param owner the session (or principal) concerned, written shortened to its first 8 characters; {@link #UNKNOWN}
 *     when not known
 * @param error the authorization server's error code ({@code invalid_grant}, ...) or Portico's own reason code, when
 *     the event failed
 * @param detail a short human explanation, never a token, code or verifier
 */
public record AuditRecord(
        AuditEvent event,
        boolean ok,
        String server,
        Optional<String> issuer,
        String owner,
        Optional<String> error,
        Optional<String> detail) {

    /** The {@code server} or {@code owner} of an event that cannot be tied to one, such as a callback with a bad state. */
    public static final String UNKNOWN = "-";

    public AuditRecord {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(detail, "detail");
    }

    /** A successful event. */
    public static AuditRecord ok(AuditEvent event, String server, String issuer, String owner) {
        return new AuditRecord(
                event, true, server, Optional.ofNullable(issuer), owner, Optional.empty(), Optional.empty());
    }

    /**
     * A failed event.
     *
     * @param error the authorization server's error code, or a short code of Portico's own
     * @param detail a human explanation, free of secrets
     */
    public static AuditRecord failed(
            AuditEvent event, String server, String issuer, String owner, String error, String detail) {
        return new AuditRecord(
                event,
                false,
                server,
                Optional.ofNullable(issuer),
                owner,
                Optional.ofNullable(error),
                Optional.ofNullable(detail));
    }

    /** The same record with a detail, such as the scopes of a step-up. */
    public AuditRecord withDetail(String text) {
        return new AuditRecord(event, ok, server, issuer, owner, error, Optional.ofNullable(text));
    }
}
