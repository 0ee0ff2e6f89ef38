package dev.portico.oauth.audit;

/**
 * Told of every {@link AuditRecord} as it is recorded, whatever the log level: metrics count authentication events
 * this way without the broker knowing about them.
 *
 * <p>Called on the thread that recorded the event, often a request thread: implementations return quickly and do
 * not throw (an exception is logged and dropped, never failing the sign-in).
 */
@FunctionalInterface
public interface AuditListener {

    void recorded(AuditRecord record);
}
