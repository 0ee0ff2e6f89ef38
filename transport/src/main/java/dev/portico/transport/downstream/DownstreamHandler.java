package dev.portico.transport.downstream;

import io.modelcontextprotocol.server.McpNotificationHandler;
import io.modelcontextprotocol.server.McpRequestHandler;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * What Portico does with downstream sessions; implemented by the aggregator, called by every endpoint.
 *
 * <p>Handlers receive the SDK's exchange, whose {@code sessionId()} names the {@link DownstreamSession} announced
 * through {@link #sessionOpened}. The id of the JSON-RPC request being handled is available inside a request
 * handler through {@link DownstreamRequestIds#current()}.
 */
public interface DownstreamHandler {

    /** Portico's answer to {@code initialize}, given the protocol version already negotiated. */
    McpSchema.InitializeResult initializeResult(String protocolVersion);

    /** Handlers by method name; an absent method is answered with "method not found". */
    Map<String, McpRequestHandler<?>> requestHandlers();

    /** Notification handlers by method name. */
    Map<String, McpNotificationHandler> notificationHandlers();

    /** A client completed {@code initialize}; called before any other request of that session is handled. */
    void sessionOpened(DownstreamSession session);

    /** The session ended: the client deleted it, disconnected, or Portico is shutting down. */
    void sessionClosed(String sessionId);
}
