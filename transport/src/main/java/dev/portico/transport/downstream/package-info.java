/**
 * The downstream side: where MCP clients connect to Portico.
 *
 * <p>Portico is not an ordinary MCP server with one tool list for everyone: each downstream session sees its own
 * catalog (its own upstream connections, later its own sign-ins). So instead of the SDK's {@code McpAsyncServer},
 * which keeps one server-wide catalog, the endpoints here install their own session factories on the SDK's
 * transport providers and hand every request to a {@link dev.portico.transport.downstream.DownstreamHandler}
 * together with the {@link dev.portico.transport.downstream.DownstreamSession} it belongs to. The SDK still does the
 * wire work: JSON-RPC framing, streamable HTTP and SSE streams, session ids, initialization.
 */
package dev.portico.transport.downstream;
