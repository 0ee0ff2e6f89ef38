package dev.portico.transport.downstream;

import io.modelcontextprotocol.spec.McpLoggableSession;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Objects;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * One connected MCP client as the aggregator sees it: who it is, what it can do, and a way to notify it outside of
 * any request (for example {@code notifications/tools/list_changed}).
 *
 * <p>Not to be confused with the SDK's {@code McpSession}: this wraps one. Safe for concurrent use.
 */
public final class DownstreamSession {

    private final String id;
    private final DownstreamTransportKind kind;
    private final String protocolVersion;
    private final McpSchema.ClientCapabilities capabilities;
    private final McpSchema.Implementation clientInfo;
    private final McpLoggableSession sdkSession;
    private final Optional<String> principal;

    DownstreamSession(
            String id,
            DownstreamTransportKind kind,
            String protocolVersion,
            McpSchema.ClientCapabilities capabilities,
            McpSchema.Implementation clientInfo,
            McpLoggableSession sdkSession,
            Optional<String> principal) {
        this.id = Objects.requireNonNull(id, "id");
        this.principal = Objects.requireNonNull(principal, "principal");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.protocolVersion = Objects.requireNonNull(protocolVersion, "protocolVersion");
        this.capabilities = capabilities != null
                ? capabilities
                : McpSchema.ClientCapabilities.builder().build();
        this.clientInfo = clientInfo;
        this.sdkSession = Objects.requireNonNull(sdkSession, "sdkSession");
    }

    /** The session id; secret for streamable HTTP, so log only {@link #logId()}. */
    public String id() {
        return id;
    }

    /**
     * The principal that opened the session, as the {@link RequestAuthenticator} named it; empty when requests are
     * not authenticated. Every later request of the session comes from the same principal.
     */
    public Optional<String> principal() {
        return principal;
    }

    /** The first eight characters of the id: enough to correlate log lines, too little to hijack the session. */
    public String logId() {
        return SessionIds.truncate(id);
    }

    /** The message of {@code failure} for a log line, with this session's id cut to {@link #logId()}. */
    public String logReason(Throwable failure) {
        return SessionIds.redact(String.valueOf(failure.getMessage()), id);
    }

    public DownstreamTransportKind kind() {
        return kind;
    }

    /** The MCP revision negotiated at {@code initialize} (see {@link ProtocolVersionNegotiation}). */
    public String protocolVersion() {
        return protocolVersion;
    }

    public McpSchema.ClientCapabilities capabilities() {
        return capabilities;
    }

    /** The client's self-description from {@code initialize}; may be null for clients that send none. */
    public McpSchema.Implementation clientInfo() {
        return clientInfo;
    }

    /** Sends a notification on the session's own channel (the GET stream for streamable HTTP). */
    public Mono<Void> notify(String method, Object params) {
        return sdkSession.sendNotification(method, params);
    }

    /** Sends a request to the client on the session's own channel, for requests not tied to a client call. */
    public <T> Mono<T> request(String method, Object params, io.modelcontextprotocol.json.TypeRef<T> resultType) {
        return sdkSession.sendRequest(method, params, resultType);
    }

    @Override
    public String toString() {
        return "DownstreamSession[" + logId() + ", " + kind.label() + "]";
    }
}
