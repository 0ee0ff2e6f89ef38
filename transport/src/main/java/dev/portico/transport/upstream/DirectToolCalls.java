package dev.portico.transport.upstream;

import dev.portico.transport.downstream.WaitingRequestThreads;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpTransportException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * {@code tools/call} sent straight over an upstream's streamable-HTTP session, beside the SDK client that opened it.
 *
 * <p>Why: the SDK client turns every call into two Reactor pipelines, hands the response from the HTTP client's
 * selector to a worker and then to the common pool, and decodes it into records before Portico sees it; on the
 * gateway's hot path that was most of Portico's CPU per call (docs/performance.md, decision 0006). This class posts
 * the JSON-RPC request itself, with the same headers the SDK would send (session id and protocol version as the SDK
 * last sent them, then the connection's own customizer: configured headers, credential, trace context). On a thread
 * that serves the downstream request and waits for its answer anyway ({@link WaitingRequestThreads}) the exchange is
 * blocking I/O on that thread, which then writes the downstream answer itself; anywhere else it is asynchronous, and
 * the call completes on the thread that reads the response.
 *
 * <p>What stays with the SDK: initialization and re-initialization, every other message, and every message of the
 * call's own response stream that is not its response (progress, logging, and requests such as elicitation, whose
 * answers the SDK posts). When the upstream refuses the request before acting on it (401, 403, or the session is
 * gone), the call is {@linkplain NotSent not sent}, and the caller sends it through the SDK, which reports the
 * refusal or renews the session as before. Safe for concurrent use.
 */
final class DirectToolCalls {

    /** The SDK's own limit on a response body. */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private static final String SESSION_HEADER = "Mcp-Session-Id";
    private static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    private static final TypeRef<McpSchema.CallToolResult> CALL_TOOL_RESULT = new TypeRef<>() {};

    private static final Logger log = LoggerFactory.getLogger(DirectToolCalls.class);

    private final HttpClient http;
    private final URI endpoint;
    private final McpJsonMapper json;
    private final McpSyncHttpClientRequestCustomizer customizer;
    private final Duration connectTimeout;
    /** The upstream's {@code timeout}: how long the blocking exchange waits for a byte. */
    private final Duration readTimeout;
    /** Ids of their own, so that they never meet the SDK's ids in the same session. */
    private final String idPrefix = "portico-" + Long.toHexString(System.nanoTime() & 0xffffff) + "-";

    private final AtomicLong nextId = new AtomicLong();
    private final Map<Object, MonoSink<McpSchema.JSONRPCResponse>> pending = new ConcurrentHashMap<>();

    /** The session as the SDK last spoke in it; null until the SDK sent a request after initializing. */
    private volatile SessionHeaders session;

    private volatile Consumer<McpSchema.JSONRPCMessage> others = message -> {};

    DirectToolCalls(
            HttpClient http,
            URI endpoint,
            McpJsonMapper json,
            McpSyncHttpClientRequestCustomizer customizer,
            Duration connectTimeout,
            Duration readTimeout) {
        this.http = http;
        this.endpoint = endpoint;
        this.json = json;
        this.customizer = customizer;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /** The headers of one SDK request: the session id it was sent in (if the upstream gave one) and the version. */
    record SessionHeaders(Optional<String> sessionId, String protocolVersion) {}

    /**
     * Learns the session from a request the SDK is about to send (called from the connection's customizer). The SDK
     * sends {@code notifications/initialized} in the new session before the connection is handed out, and every
     * later request carries the current session, so the session seen last is the one to use.
     */
    void sdkSends(HttpHeaders headers) {
        headers.firstValue(PROTOCOL_VERSION_HEADER).ifPresent(version -> {
            SessionHeaders seen = new SessionHeaders(headers.firstValue(SESSION_HEADER), version);
            if (!seen.equals(session)) {
                session = seen;
            }
        });
    }

    /** Where the messages of a response stream that are not the call's own answer go: the SDK client's session. */
    void othersTo(Consumer<McpSchema.JSONRPCMessage> sdkSession) {
        this.others = sdkSession;
    }

    /** Whether a session is known to send calls in. */
    boolean ready() {
        return session != null;
    }

    /**
     * Takes a response to one of this class's calls, from wherever it came (the call's own stream, or the session's
     * GET stream); answers whether it was one.
     */
    boolean answer(McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCResponse response && response.id() != null) {
            MonoSink<McpSchema.JSONRPCResponse> waiting = pending.remove(response.id());
            if (waiting != null) {
                waiting.success(response);
                return true;
            }
        }
        return false;
    }

    /** A call's id, given before it is sent, so that the caller can cancel it. */
    String newId() {
        return idPrefix + nextId.incrementAndGet();
    }

    /**
     * Sends {@code request} as JSON-RPC request {@code id}. Fails with {@link NotSent} when the upstream refused it
     * unread; an error answer fails with {@link McpError}.
     */
    Mono<McpSchema.CallToolResult> call(String id, McpSchema.CallToolRequest request) {
        return Mono.deferContextual(context -> {
                    SessionHeaders current = session;
                    if (current == null) {
                        return Mono.error(new NotSent("no session yet"));
                    }
                    McpTransportContext transportContext =
                            context.getOrDefault(McpTransportContext.KEY, McpTransportContext.EMPTY);
                    if (WaitingRequestThreads.current()) {
                        return Mono.<McpSchema.JSONRPCResponse>create(
                                sink -> exchangeHere(id, request, current, transportContext, sink));
                    }
                    return Mono.<McpSchema.JSONRPCResponse>create(
                            sink -> send(id, request, current, transportContext, sink));
                })
                .map(response -> {
                    if (response.error() != null) {
                        throw new McpError(response.error());
                    }
                    return json.convertValue(response.result(), CALL_TOOL_RESULT);
                });
    }

    private void send(
            String id,
            McpSchema.CallToolRequest request,
            SessionHeaders current,
            McpTransportContext transportContext,
            MonoSink<McpSchema.JSONRPCResponse> sink) {
        Outgoing outgoing;
        try {
            outgoing = outgoing(id, request, current, transportContext);
        } catch (IOException e) {
            sink.error(e);
            return;
        }
        pending.put(id, sink);
        CompletableFuture<HttpResponse<Void>> exchange;
        AtomicBoolean answering = new AtomicBoolean();
        try {
            exchange = http.sendAsync(outgoing.request(), info -> {
                answering.set(true);
                return bodyFor(id, info, sink);
            });
        } catch (RuntimeException e) {
            pending.remove(id);
            sink.error(e);
            return;
        }
        // Only a cancelled call aborts the exchange: an answered one leaves the connection to be reused.
        sink.onCancel(() -> {
            pending.remove(id);
            exchange.cancel(true);
        });
        exchange.whenComplete((response, error) -> {
            // Failing before the upstream answered (unreachable, reset on sending) fails the call. Once it answered,
            // the call is the upstream's: a stream that breaks or ends without the answer leaves the answer to the
            // session's GET stream, or to the timeout, as the SDK's transport does (MCP lets a server answer there).
            if (error != null && !answering.get()) {
                fail(
                        id,
                        sink,
                        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
        });
    }

    /**
     * The exchange on the calling thread, which serves the downstream request and waits for its answer anyway
     * ({@link WaitingRequestThreads}): blocking socket I/O, so the upstream's answer wakes this thread and no other.
     */
    private void exchangeHere(
            String id,
            McpSchema.CallToolRequest request,
            SessionHeaders current,
            McpTransportContext transportContext,
            MonoSink<McpSchema.JSONRPCResponse> sink) {
        HttpURLConnection connection;
        Outgoing outgoing;
        try {
            outgoing = outgoing(id, request, current, transportContext);
            connection = (HttpURLConnection) endpoint.toURL().openConnection();
        } catch (IOException e) {
            sink.error(e);
            return;
        }
        pending.put(id, sink);
        sink.onCancel(() -> {
            pending.remove(id);
            connection.disconnect();
        });
        try {
            connection.setRequestMethod("POST");
            connection.setInstanceFollowRedirects(false);
            connection.setConnectTimeout((int) connectTimeout.toMillis());
            connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            connection.setDoOutput(true);
            outgoing.request()
                    .headers()
                    .map()
                    .forEach((name, values) -> values.forEach(value -> connection.addRequestProperty(name, value)));
            try (OutputStream out = connection.getOutputStream()) {
                out.write(outgoing.body());
            }
            int status = connection.getResponseCode();
            Reply reply = Reply.of(status, Optional.ofNullable(connection.getContentType()));
            if (reply.failure(status).isPresent() || reply == Reply.ELSEWHERE) {
                discard(connection);
                reply.failure(status).ifPresent(failure -> fail(id, sink, failure));
                return;
            }
            boolean eventStream = reply == Reply.EVENT_STREAM;
            try (InputStream in = connection.getInputStream()) {
                McpSchema.JSONRPCResponse answer;
                try {
                    answer = readAnswer(id, in, eventStream);
                } catch (MalformedMessage e) {
                    connection.disconnect();
                    fail(id, sink, e);
                    return;
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (IOException brokenOff) {
                    answer = null;
                    connection.disconnect();
                }
                if (answer == null) {
                    // Ended or broke off without the answer: as on the asynchronous path, the call waits for it on
                    // the session's GET stream, for its cancellation, or for its timeout.
                    return;
                }
                if (pending.remove(id) != null) {
                    // Answers the downstream on this thread before anything else.
                    sink.success(answer);
                }
                // The upstream ends its stream right after the answer (MCP: it SHOULD); reading to that end, rather
                // than closing early, returns the connection to the pool instead of dropping it.
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (SocketTimeoutException e) {
            connection.disconnect();
            fail(id, sink, new TimeoutException("No answer from the upstream within " + readTimeout));
        } catch (IOException | RuntimeException e) {
            connection.disconnect();
            fail(id, sink, e);
        }
    }

    /** Reads the response until the call's answer; hands every other message to the SDK's session. */
    private McpSchema.JSONRPCResponse readAnswer(String id, InputStream in, boolean eventStream) throws IOException {
        McpSchema.JSONRPCResponse[] answer = new McpSchema.JSONRPCResponse[1];
        MalformedMessage[] malformed = new MalformedMessage[1];
        Consumer<String> messages = text -> {
            McpSchema.JSONRPCMessage message;
            try {
                message = parse(text);
            } catch (MalformedMessage e) {
                malformed[0] = e;
                return;
            }
            if (message instanceof McpSchema.JSONRPCResponse response && id.equals(response.id())) {
                answer[0] = response;
            } else if (!answer(message)) {
                others.accept(message);
            }
        };
        ResponseMessages reader = eventStream
                ? ResponseMessages.eventStream(
                        messages, e -> malformed[0] = new MalformedMessage(e), MAX_RESPONSE_BYTES)
                : ResponseMessages.document(messages, e -> malformed[0] = new MalformedMessage(e), MAX_RESPONSE_BYTES);
        reader.onSubscribe(NO_FLOW_CONTROL);
        byte[] chunk = new byte[8192];
        int read;
        while (answer[0] == null && malformed[0] == null && (read = in.read(chunk)) >= 0) {
            reader.onNext(List.of(ByteBuffer.wrap(chunk, 0, read)));
        }
        if (answer[0] == null && malformed[0] == null) {
            reader.onComplete();
        }
        if (malformed[0] != null) {
            throw malformed[0];
        }
        return answer[0];
    }

    /**
     * Statuses with which an upstream refuses a request without acting on it: no or a refused credential (401, 403),
     * or a session it no longer knows (404, and 400, which some servers send for a missing session). The SDK then
     * reports the refusal to the broker or renews the session, as for any other request.
     */
    private static boolean refusedUnread(int status) {
        return status == 401 || status == 403 || status == 404 || status == 400;
    }

    /** Reads and drops a body, so that the connection can be reused. */
    private static void discard(HttpURLConnection connection) {
        try (InputStream in =
                connection.getResponseCode() >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            if (in != null) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            connection.disconnect();
        }
    }

    /** A message of a call's response; one that is not JSON-RPC fails the call, as the SDK's own decoding did. */
    private McpSchema.JSONRPCMessage parse(String text) throws MalformedMessage {
        try {
            return McpSchema.deserializeJsonRpcMessage(json, text);
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedMessage(e);
        }
    }

    /** A message of the call's response that is not JSON-RPC; the cause is Jackson's or the SDK's own complaint. */
    static final class MalformedMessage extends IOException {
        MalformedMessage(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Flow.Subscription NO_FLOW_CONTROL = new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
    };

    /** What to do with the response body, decided from its status and type. */
    private HttpResponse.BodySubscriber<Void> bodyFor(
            String id, HttpResponse.ResponseInfo info, MonoSink<McpSchema.JSONRPCResponse> sink) {
        int status = info.statusCode();
        Reply reply = Reply.of(status, info.headers().firstValue("Content-Type"));
        reply.failure(status).ifPresent(failure -> fail(id, sink, failure));
        return switch (reply) {
            case EVENT_STREAM -> HttpResponse.BodySubscribers.fromSubscriber(ResponseMessages.eventStream(
                    text -> received(id, sink, text), failure -> fail(id, sink, failure), MAX_RESPONSE_BYTES));
            case DOCUMENT -> HttpResponse.BodySubscribers.fromSubscriber(ResponseMessages.document(
                    text -> received(id, sink, text), failure -> fail(id, sink, failure), MAX_RESPONSE_BYTES));
            case REFUSED_UNREAD, FAILED, ELSEWHERE -> HttpResponse.BodySubscribers.discarding();
        };
    }

    /** The POST of call {@code id} and its body: the headers the SDK would send, then the connection's customizer. */
    private Outgoing outgoing(
            String id, McpSchema.CallToolRequest request, SessionHeaders current, McpTransportContext context)
            throws IOException {
        byte[] body = json.writeValueAsBytes(
                new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_TOOLS_CALL, id, request));
        HttpRequest.Builder builder = HttpRequest.newBuilder(endpoint)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .header(PROTOCOL_VERSION_HEADER, current.protocolVersion())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        current.sessionId().ifPresent(sessionId -> builder.header(SESSION_HEADER, sessionId));
        customizer.customize(builder, "POST", endpoint, new String(body, StandardCharsets.UTF_8), context);
        return new Outgoing(builder.build(), body);
    }

    private record Outgoing(HttpRequest request, byte[] body) {}

    /** What an upstream's answer to a call's POST is, by its status and content type; the same for both paths. */
    enum Reply {
        /** 401, 403, or 404/400 for a forgotten session: refused before acting on it (see {@link #refusedUnread}). */
        REFUSED_UNREAD,
        /** Any other status outside 2xx. */
        FAILED,
        /** 2xx with an event stream: the answer, after any interim messages. */
        EVENT_STREAM,
        /** 2xx with a JSON document: the answer itself. */
        DOCUMENT,
        /** 202 or no body: the answer will come on the session's GET stream, where {@link #answer} takes it. */
        ELSEWHERE;

        static Reply of(int status, Optional<String> contentType) {
            if (refusedUnread(status)) {
                return REFUSED_UNREAD;
            }
            if (status < 200 || status >= 300) {
                return FAILED;
            }
            String type = contentType.orElse("").toLowerCase(Locale.ROOT);
            if (type.contains("text/event-stream")) {
                return EVENT_STREAM;
            }
            return type.contains("application/json") ? DOCUMENT : ELSEWHERE;
        }

        /** What the call fails with, for a reply that ends it. */
        Optional<Exception> failure(int status) {
            return switch (this) {
                case REFUSED_UNREAD -> Optional.of(new NotSent("HTTP " + status));
                case FAILED -> Optional.of(new McpTransportException("Received unexpected status code: " + status));
                default -> Optional.empty();
            };
        }
    }

    /**
     * A message read from call {@code id}'s response: its answer, or something for the SDK's session. One that is not
     * JSON-RPC ends the call, as it ended the SDK's.
     */
    private void received(String id, MonoSink<McpSchema.JSONRPCResponse> sink, String text) {
        McpSchema.JSONRPCMessage message;
        try {
            message = parse(text);
        } catch (IOException | RuntimeException e) {
            fail(id, sink, e);
            return;
        }
        if (!answer(message)) {
            others.accept(message);
        }
    }

    private void fail(String id, MonoSink<McpSchema.JSONRPCResponse> sink, Throwable error) {
        if (pending.remove(id) != null) {
            sink.error(error);
        }
    }

    /** The upstream refused the request before acting on it; sending it again through the SDK is safe. */
    static final class NotSent extends RuntimeException {
        NotSent(String why) {
            super("not sent directly: " + why, null, false, false);
        }
    }
}
