package dev.portico.transport.downstream;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portico serving one MCP client over its own stdin and stdout, for desktop apps that spawn it.
 *
 * <p>Standard output then belongs to the protocol: nothing else may write to it (logging goes to stderr or a
 * file; the CLI sees to that before this class is created). When the client closes stdin, the session is over and
 * {@link #awaitEnd} returns, so the process can exit.
 */
public final class StdioMcpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StdioMcpServer.class);

    private final StdioServerTransportProvider provider;
    private final CountDownLatch ended;

    private StdioMcpServer(StdioServerTransportProvider provider, CountDownLatch ended) {
        this.provider = provider;
        this.ended = ended;
    }

    /** The longest line (one JSON-RPC message) a client may send; a longer one gets an error and is skipped. */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    /** Starts reading JSON-RPC from {@code in} and answering on {@code out}. */
    public static StdioMcpServer start(DownstreamHandler handler, InputStream in, OutputStream out) {
        CountDownLatch ended = new CountDownLatch(1);
        InputStream messages =
                new WellFormedLines(new BufferedInputStream(new EndAware(in, ended)), out, MAX_LINE_BYTES);
        // The SDK's own bound (in characters) is never reached: WellFormedLines passes no line longer than ours.
        StdioServerTransportProvider provider =
                new StdioServerTransportProvider(McpJsonDefaults.getMapper(), messages, out, MAX_LINE_BYTES + 2);
        provider.setSessionFactory(SessionFactories.perConnection(
                DownstreamTransportKind.STDIO,
                handler,
                provider.protocolVersions(),
                new SessionPrincipals(),
                session -> {}));
        return new StdioMcpServer(provider, ended);
    }

    /** Waits until the client closes stdin; returns false if the timeout passed first. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void awaitEnd() throws InterruptedException {
        ended.await();
    }

    @Override
    public void close() {
        provider.closeGracefully().block(Duration.ofSeconds(5));
    }

    /**
     * Passes on only lines that are single, well-formed JSON-RPC 2.0 messages, and answers every other line on
     * {@code out} with the JSON-RPC error it deserves (JSON-RPC 2.0 §5.1: -32700 for a line that is not JSON, -32600
     * for one that is not a message or is too long, with the id when it can be read). Blank lines are skipped
     * silently.
     *
     * <p>Why: the SDK's stdio transport stops reading stdin at the first line it cannot deserialize (or that is too
     * long), so one bad line would leave the client with a process that never answers again and never exits.
     *
     * <p>The error is written while holding {@code out}'s monitor, which is what the SDK holds while it writes a
     * message, so an error line never lands inside another message.
     */
    static final class WellFormedLines extends InputStream {
        private final InputStream in;
        private final OutputStream out;
        private final int maxLineBytes;
        private byte[] pending = new byte[0];
        private int position;

        WellFormedLines(InputStream in, OutputStream out, int maxLineBytes) {
            this.in = in;
            this.out = out;
            this.maxLineBytes = maxLineBytes;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return pending[position++] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, pending.length - position);
            System.arraycopy(pending, position, b, off, n);
            position += n;
            return n;
        }

        /** Makes sure unread bytes of an accepted line are pending; false at the end of input. */
        private boolean fill() throws IOException {
            while (position >= pending.length) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                boolean tooLong = false;
                int c;
                while ((c = in.read()) != -1 && c != '\n') {
                    if (line.size() < maxLineBytes) {
                        line.write(c);
                    } else {
                        tooLong = true; // read on to the newline, keeping nothing more
                    }
                }
                if (c == -1 && line.size() == 0) {
                    return false;
                }
                byte[] bytes = line.toByteArray();
                if (tooLong) {
                    answer(
                            InboundMessage.INVALID_REQUEST,
                            "Invalid Request: message longer than " + maxLineBytes + " bytes");
                } else if (!new String(bytes, StandardCharsets.UTF_8).isBlank()) {
                    Optional<InboundMessage.Refusal> refusal =
                            InboundMessage.of(bytes).refusal();
                    if (refusal.isPresent()) {
                        answerRefusal(refusal.get());
                    } else {
                        pending = Arrays.copyOf(bytes, bytes.length + 1);
                        pending[bytes.length] = '\n';
                        position = 0;
                    }
                }
            }
            return true;
        }

        private void answerRefusal(InboundMessage.Refusal refusal) throws IOException {
            log.debug("Answered a stdin line that is not a JSON-RPC message: {}", refusal.message());
            write(InboundMessage.errorResponse(refusal.code(), refusal.message(), refusal.id()));
        }

        private void answer(int code, String message) throws IOException {
            log.debug("Answered a stdin line: {}", message);
            write(InboundMessage.errorResponse(code, message, null));
        }

        private void write(String response) throws IOException {
            byte[] bytes = (response + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (out) {
                out.write(bytes);
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Notices the end of the client's input, which the SDK provider does not report. */
    private static final class EndAware extends FilterInputStream {
        private final CountDownLatch ended;

        EndAware(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            return noteEnd(super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return noteEnd(super.read(b, off, len));
        }

        private int noteEnd(int result) {
            if (result < 0) {
                ended.countDown();
            }
            return result;
        }
    }
}
