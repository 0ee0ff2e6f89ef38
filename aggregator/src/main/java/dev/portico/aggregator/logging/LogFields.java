package dev.portico.aggregator.logging;

import dev.portico.transport.downstream.DownstreamRequestIds;
import dev.portico.transport.tracecontext.TraceContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.MDC;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * What a log line says about the downstream request it was written for: the MDC fields {@value #REQUEST_ID},
 * {@value #SESSION}, {@value #UPSTREAM}, {@value #TOOL} and {@value #TRACE_ID} (docs/operations.md, "Logs").
 *
 * <p>Why explicit scopes rather than automatic propagation: the MDC is thread-local, and a request is served on
 * whichever threads Reactor, Jetty and the JDK HTTP client deliver its signals on. The fields therefore travel in the
 * Reactor context ({@link #into}); the few places that log on a request's behalf read them back ({@link #of}) and
 * {@link #open} them around the synchronous code that logs. Reactor's automatic context propagation would cover every
 * operator, but only through a global hook and a second library, and it still misses the synchronous parts of a chain;
 * here each line that matters (a call's outcome, an upstream's failure, a sign-in challenge) is put in scope where it
 * is written, and a test reads it back.
 *
 * <p>Values are never secret: the session is its {@linkplain dev.portico.transport.downstream.SessionIds truncated}
 * id, the request id is the client's JSON-RPC id (made {@linkplain #loggable safe to log}). Immutable; {@link #open} is for the calling thread only.
 *
 * @param requestId the JSON-RPC id of the downstream request, or null
 * @param session the first eight characters of the downstream session id, or null
 * @param upstream the upstream a call goes to, or null
 * @param tool the tool as the client named it, or null
 * @param traceId the trace-id of the request's valid W3C {@code traceparent}, or null
 */
public record LogFields(String requestId, String session, String upstream, String tool, String traceId) {

    public static final String REQUEST_ID = "request_id";
    public static final String SESSION = "session";
    public static final String UPSTREAM = "upstream";
    public static final String TOOL = "tool";
    public static final String TRACE_ID = "trace_id";

    /** No fields: outside of any request. */
    public static final LogFields NONE = new LogFields(null, null, null, null, null);

    private static final String CONTEXT_KEY = LogFields.class.getName();

    /** Enough for any id or tool name a client sends in earnest (a UUID is 36); longer ones are cut. */
    static final int MAX_LOGGED_LENGTH = 64;

    /**
     * The fields of the downstream request whose Reactor context this is, in session {@code sessionLogId}: its
     * JSON-RPC id and trace-id as the downstream transport left them there.
     */
    public static LogFields forRequest(ContextView context, String sessionLogId) {
        return new LogFields(
                DownstreamRequestIds.of(context).map(LogFields::loggable).orElse(null),
                sessionLogId,
                null,
                null,
                TraceContext.of(context).map(TraceContext::traceId).orElse(null));
    }

    /**
     * A value the client chose (a JSON-RPC id, a tool name) as it may be logged: it must not be able to write a line
     * of its own into the text format, so control characters become {@code ?}, and it is cut at {@value
     * #MAX_LOGGED_LENGTH} characters.
     */
    public static String loggable(Object clientValue) {
        String id = String.valueOf(clientValue);
        StringBuilder safe = new StringBuilder(Math.min(id.length(), MAX_LOGGED_LENGTH + 1));
        for (int i = 0; i < id.length() && i < MAX_LOGGED_LENGTH; i++) {
            char c = id.charAt(i);
            safe.append(Character.isISOControl(c) ? '?' : c);
        }
        if (id.length() > MAX_LOGGED_LENGTH) {
            safe.append('…');
        }
        return safe.toString();
    }

    /** The fields put into this Reactor context with {@link #into}, or {@link #NONE}. */
    public static LogFields of(ContextView context) {
        return context.getOrDefault(CONTEXT_KEY, NONE);
    }

    /** These fields plus the upstream and tool of a forwarded call. */
    public LogFields forCall(String upstreamName, String toolName) {
        return new LogFields(requestId, session, upstreamName, loggable(toolName), traceId);
    }

    /** {@code context} with these fields, for the operators upstream of a {@code contextWrite}. */
    public Context into(Context context) {
        return context.put(CONTEXT_KEY, this);
    }

    /**
     * Puts the fields that are set into the MDC of this thread until the returned scope is closed, which restores
     * what was there before.
     */
    public Scope open() {
        Map<String, String> previous = new LinkedHashMap<>();
        fields().forEach((key, value) -> {
            previous.put(key, MDC.get(key));
            MDC.put(key, value);
        });
        return new Scope(previous);
    }

    /** Runs {@code action} with the fields in the MDC. */
    public void run(Runnable action) {
        try (Scope scope = open()) {
            action.run();
        }
    }

    /** Gets {@code value} with the fields in the MDC. */
    public <T> T get(Supplier<T> value) {
        try (Scope scope = open()) {
            return value.get();
        }
    }

    /** The fields that are set, by MDC key. */
    Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        putIfSet(fields, REQUEST_ID, requestId);
        putIfSet(fields, SESSION, session);
        putIfSet(fields, UPSTREAM, upstream);
        putIfSet(fields, TOOL, tool);
        putIfSet(fields, TRACE_ID, traceId);
        return fields;
    }

    private static void putIfSet(Map<String, String> fields, String key, String value) {
        if (value != null) {
            fields.put(key, value);
        }
    }

    /** Restores the MDC entries a {@link #open()} replaced. Close it on the thread that opened it. */
    public static final class Scope implements AutoCloseable {
        private final Map<String, String> previous;

        private Scope(Map<String, String> previous) {
            this.previous = Objects.requireNonNull(previous);
        }

        @Override
        public void close() {
            previous.forEach((key, value) -> {
                if (value == null) {
                    MDC.remove(key);
                } else {
                    MDC.put(key, value);
                }
            });
        }
    }
}
