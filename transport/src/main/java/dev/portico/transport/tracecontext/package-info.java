/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the {@code traceparent} and {@code tracestate} headers of a
 * downstream HTTP request, checked and carried to the upstream requests made while serving it.
 *
 * <p>The flow: the downstream endpoint parses the headers of each POST ({@link
 * dev.portico.transport.tracecontext.TraceContext#parse}) into the SDK's transport context; the SDK keeps that context
 * in the Reactor context of the request, and the upstream client transports, which take their request customizers'
 * context from there, add the headers to the upstream request ({@link
 * dev.portico.transport.tracecontext.TraceContext#of}). Nothing here starts a thread or holds state.
 */
package dev.portico.transport.tracecontext;
