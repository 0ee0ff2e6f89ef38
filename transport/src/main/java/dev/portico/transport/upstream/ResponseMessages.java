package dev.portico.transport.upstream;

import io.modelcontextprotocol.spec.McpTransportException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The JSON-RPC messages of one HTTP response body, handed on as text as soon as each is complete: every {@code data}
 * of a {@code text/event-stream} (WHATWG HTML, "Server-sent events": events end at a blank line, lines end at CR, LF
 * or CRLF, several {@code data} lines join with LF), or the whole body of an {@code application/json} response.
 *
 * <p>A body over its limit is cut off and reported to {@code tooLarge}. How else the body ends (complete, or a failed
 * read) is not for this class to judge: the caller hears it from the HTTP client. Not thread-safe: the HTTP client
 * delivers a body's buffers one after another.
 */
final class ResponseMessages implements Flow.Subscriber<List<ByteBuffer>> {

    private final boolean eventStream;
    private final Consumer<String> messages;
    private final Consumer<Throwable> tooLarge;
    private final int maxBytes;

    private byte[] buffer = new byte[8192];
    private int length;

    private long total;
    private Flow.Subscription subscription;

    private ResponseMessages(
            boolean eventStream, Consumer<String> messages, Consumer<Throwable> tooLarge, int maxBytes) {
        this.eventStream = eventStream;
        this.messages = messages;
        this.tooLarge = tooLarge;
        this.maxBytes = maxBytes;
    }

    static ResponseMessages eventStream(Consumer<String> messages, Consumer<Throwable> tooLarge, int maxBytes) {
        return new ResponseMessages(true, messages, tooLarge, maxBytes);
    }

    static ResponseMessages document(Consumer<String> messages, Consumer<Throwable> tooLarge, int maxBytes) {
        return new ResponseMessages(false, messages, tooLarge, maxBytes);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        for (ByteBuffer bytes : item) {
            total += bytes.remaining();
            if (total > maxBytes) {
                subscription.cancel();
                tooLarge.accept(new McpTransportException(
                        "The upstream's response exceeds the maximum allowed size of " + maxBytes + " bytes"));
                return;
            }
            append(bytes);
        }
        if (eventStream) {
            dispatchEvents();
        }
    }

    @Override
    public void onError(Throwable throwable) {
        // The HTTP client reports the failed read to whoever sent the request.
    }

    @Override
    public void onComplete() {
        if (eventStream) {
            // A last event without its blank line still counts (the stream's end dispatches nothing in browsers,
            // but servers that close right after the data line exist).
            append(ByteBuffer.wrap(new byte[] {'\n', '\n'}));
            dispatchEvents();
        } else if (length > 0) {
            messages.accept(new String(buffer, 0, length, StandardCharsets.UTF_8));
        }
    }

    private void append(ByteBuffer bytes) {
        int needed = length + bytes.remaining();
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(needed, buffer.length * 2));
        }
        int count = bytes.remaining();
        bytes.get(buffer, length, count);
        length += count;
    }

    /** Hands on every complete event in the buffer and keeps the rest. */
    private void dispatchEvents() {
        int start = 0;
        StringBuilder data = null;
        int lineStart = start;
        int i = start;
        while (i < length) {
            byte b = buffer[i];
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int lineEnd = i;
            int next = i + 1;
            if (b == '\r') {
                if (next == length) {
                    break; // a CR at the end may be the first half of CRLF: wait for the next buffer
                }
                if (buffer[next] == '\n') {
                    next++;
                }
            }
            if (lineEnd == lineStart) {
                if (data != null) {
                    messages.accept(data.toString());
                }
                data = null;
                start = next;
            } else {
                data = field(lineStart, lineEnd, data);
            }
            lineStart = next;
            i = next;
        }
        // Keep the unfinished event (from its first line) for the next buffer.
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, length - start);
            length -= start;
        }
    }

    /** One line of an event: a {@code data} line adds to the event's data; any other field does not matter here. */
    private StringBuilder field(int from, int to, StringBuilder data) {
        String line = new String(buffer, from, to - from, StandardCharsets.UTF_8);
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        if (!name.equals("data")) {
            return data;
        }
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (data == null) {
            return new StringBuilder(value);
        }
        return data.append('\n').append(value);
    }
}
