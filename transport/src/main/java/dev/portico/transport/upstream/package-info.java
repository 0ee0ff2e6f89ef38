/**
 * The upstream side: Portico as an MCP client of the servers configured behind it.
 *
 * <p>{@link dev.portico.transport.upstream.UpstreamConnector} turns an {@code UpstreamConfig} into a connected SDK
 * client over streamable HTTP, legacy SSE or a stdio child process. What the client declares and how it answers
 * server-initiated requests (sampling, elicitation, roots) is decided by the caller through {@link
 * dev.portico.transport.upstream.UpstreamClientSpec}, because only the aggregator knows which downstream client an
 * upstream connection serves. Failures are described by {@link dev.portico.transport.upstream.UpstreamFailure} so
 * that a client sees the upstream's name and the cause, never a stack trace.
 */
package dev.portico.transport.upstream;
