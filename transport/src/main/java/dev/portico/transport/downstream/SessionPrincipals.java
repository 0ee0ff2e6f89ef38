package dev.portico.transport.downstream;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which principal each session belongs to, by the id clients name it with, and which principal the request on this
 * thread comes from.
 *
 * <p>The SDK's providers create sessions on the request thread (the {@code initialize} POST for streamable HTTP, the
 * {@code GET /sse} for the legacy transport) without handing the request to the session factory; the authentication
 * filter therefore leaves the principal in a thread-local for the factory to pick up. A streamable HTTP session is
 * bound by the factory (its id is the {@code Mcp-Session-Id}); a legacy one by the filter, since clients name it by an
 * id the SDK chooses (see {@link SseSessionIdCapture}). Safe for concurrent use.
 */
final class SessionPrincipals {

    private final ThreadLocal<String> current = new ThreadLocal<>();
    private final Map<String, String> bound = new ConcurrentHashMap<>();

    /** The request on this thread comes from {@code principal}, until {@link #leave()}. */
    void enter(String principal) {
        current.set(principal);
    }

    void leave() {
        current.remove();
    }

    /** The principal of the request being handled on this thread; empty without authentication. */
    Optional<String> current() {
        return Optional.ofNullable(current.get());
    }

    /** A new session of {@code principal}, if any. */
    void bind(String sessionId, Optional<String> principal) {
        principal.ifPresent(p -> bound.put(sessionId, p));
    }

    void forget(String sessionId) {
        bound.remove(sessionId);
    }

    /** Whether the session exists and belongs to another principal than {@code principal}. */
    boolean belongsToAnother(String sessionId, String principal) {
        String owner = bound.get(sessionId);
        return owner != null && !owner.equals(principal);
    }
}
