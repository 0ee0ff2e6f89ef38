package dev.portico.transport.tracecontext;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import reactor.util.context.ContextView;

/**
 * A valid W3C {@code traceparent} (version {@code 00}) and the {@code tracestate} that came with it.
 *
 * <p>Portico records no spans of its own, so it takes part in a trace as a non-participating intermediary: it forwards
 * both headers to the upstream unchanged (W3C Trace Context, "Mutating the traceparent Field": an intermediary that
 * records nothing may pass it on as it came), which keeps the upstream's span a child of the caller's span in any tracing backend. A
 * new {@code parent-id} would name a span that nobody reports. Portico never invents a trace: without a valid
 * {@code traceparent} nothing is forwarded.
 *
 * @param traceId the 32 lower-case hex digits of the trace-id, never all zero
 * @param parentId the 16 lower-case hex digits of the parent-id (the caller's span), never all zero
 * @param flags the two hex digits of the trace-flags
 * @param traceState the {@code tracestate} value, if one came with a valid {@code traceparent} and is safe to repeat
 */
public record TraceContext(String traceId, String parentId, String flags, Optional<String> traceState) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** Where a {@link TraceContext} sits in the SDK's {@link McpTransportContext}. */
    public static final String TRANSPORT_CONTEXT_KEY = "portico.tracecontext";

    /** "traceparent Header Field Values": version 00 is exactly {@code version "-" trace-id "-" parent-id "-" trace-flags}, lower-case hex. */
    private static final Pattern VERSION_00 = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

    private static final Pattern ALL_ZERO = Pattern.compile("0+");

    /**
     * "tracestate Limits": vendors should propagate at least 512 characters of {@code tracestate}; a longer one is dropped
     * whole, as cutting it could split a list member.
     */
    static final int MAX_TRACESTATE_LENGTH = 512;

    /** "tracestate Header Field Values": list members are printable ASCII; anything else (a control character, say) drops the header. */
    private static final Pattern TRACESTATE_CHARS = Pattern.compile("[\\x20-\\x7e]*");

    public TraceContext {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(traceState, "traceState");
    }

    /**
     * The trace context of a request with these header values (each list holds every field line of that header, in
     * order). Empty when {@code traceparent} is absent, repeated or invalid (the spec has the header ignored then, and
     * {@code tracestate} with it); a {@code tracestate} that is too long or holds characters outside
     * printable ASCII is dropped while the {@code traceparent} is kept.
     */
    public static Optional<TraceContext> parse(List<String> traceparents, List<String> tracestates) {
        if (traceparents == null || traceparents.size() != 1) {
            return Optional.empty();
        }
        var matcher = VERSION_00.matcher(traceparents.get(0).strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        String traceId = matcher.group(1);
        String parentId = matcher.group(2);
        if (ALL_ZERO.matcher(traceId).matches() || ALL_ZERO.matcher(parentId).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TraceContext(traceId, parentId, matcher.group(3), traceState(tracestates)));
    }

    /** Several {@code tracestate} field lines are one list, joined by commas. */
    private static Optional<String> traceState(List<String> tracestates) {
        if (tracestates == null || tracestates.isEmpty()) {
            return Optional.empty();
        }
        String joined = String.join(",", tracestates).strip();
        if (joined.isEmpty()
                || joined.length() > MAX_TRACESTATE_LENGTH
                || !TRACESTATE_CHARS.matcher(joined).matches()) {
            return Optional.empty();
        }
        return Optional.of(joined);
    }

    /** The trace context of the downstream request being served, if it came with one. */
    public static Optional<TraceContext> of(McpTransportContext transportContext) {
        return transportContext != null && transportContext.get(TRANSPORT_CONTEXT_KEY) instanceof TraceContext trace
                ? Optional.of(trace)
                : Optional.empty();
    }

    /** The trace context of the downstream request whose Reactor context this is, if any. */
    public static Optional<TraceContext> of(ContextView context) {
        return context.<McpTransportContext>getOrEmpty(McpTransportContext.KEY).flatMap(TraceContext::of);
    }

    /** The {@code traceparent} header value, as received. */
    public String traceparent() {
        return "00-" + traceId + "-" + parentId + "-" + flags;
    }

    @Override
    public String toString() {
        return traceparent();
    }
}
