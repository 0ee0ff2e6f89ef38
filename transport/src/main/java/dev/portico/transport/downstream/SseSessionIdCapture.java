package dev.portico.transport.downstream;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Learns the session id of a legacy SSE stream as the SDK announces it. The SDK's SSE provider names the session in
 * {@code /message?sessionId=...} with an id of its own, not the one Portico's session factory chose, and keeps it to
 * itself; the first event it writes on the stream ({@code event: endpoint}) is the only place it appears. This
 * wrapper reads what is written until that id has passed, and then gets out of the way.
 */
final class SseSessionIdCapture extends HttpServletResponseWrapper {

    private static final String MARKER = "sessionId=";

    /** The endpoint event is the stream's first; a stream that has not named its session by then never will. */
    private static final int MAX_SCANNED = 4096;

    private final StringBuilder seen = new StringBuilder();
    private String sessionId;
    private PrintWriter writer;

    /** Told the id as soon as it is found, before the bytes that carry it go on to the client. */
    private final Consumer<String> onAnnounced;

    SseSessionIdCapture(HttpServletResponse response, Consumer<String> onAnnounced) {
        super(response);
        this.onAnnounced = onAnnounced;
    }

    /** The id the stream announced, once it did. */
    Optional<String> sessionId() {
        return Optional.ofNullable(sessionId);
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new Scanning(super.getWriter()));
        }
        return writer;
    }

    private final class Scanning extends Writer {
        private final Writer target;

        Scanning(Writer target) {
            this.target = target;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            if (sessionId == null && seen.length() < MAX_SCANNED) {
                seen.append(chars, offset, Math.min(length, MAX_SCANNED - seen.length()));
                find();
            }
            target.write(chars, offset, length);
        }

        private void find() {
            int start = seen.indexOf(MARKER);
            if (start < 0) {
                return;
            }
            int from = start + MARKER.length();
            int end = from;
            while (end < seen.length() && !Character.isWhitespace(seen.charAt(end)) && seen.charAt(end) != '&') {
                end++;
            }
            if (end < seen.length()) {
                sessionId = seen.substring(from, end);
                onAnnounced.accept(sessionId);
            }
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.close();
        }
    }
}
