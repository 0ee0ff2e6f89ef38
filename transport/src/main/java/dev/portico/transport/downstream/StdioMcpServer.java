package dev.portico.transport.downstream;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Portico serving one MCP client over its own stdin and stdout, for desktop apps that spawn it.
 *
 * <p>Standard output then belongs to the protocol: nothing else may write to it (logging goes to stderr or a
 * file; the CLI sees to that before this class is created). When the client closes stdin, the session is over and
 * {@link #awaitEnd} returns, so the process can exit.
 */
public final class StdioMcpServer implements AutoCloseable {

    private final StdioServerTransportProvider provider;
    private final CountDownLatch ended;

    private StdioMcpServer(StdioServerTransportProvider provider, CountDownLatch ended) {
        this.provider = provider;
        this.ended = ended;
    }

    /** Starts reading JSON-RPC from {@code in} and answering on {@code out}. */
    public static StdioMcpServer start(DownstreamHandler handler, InputStream in, OutputStream out) {
        CountDownLatch ended = new CountDownLatch(1);
        StdioServerTransportProvider provider =
                new StdioServerTransportProvider(McpJsonDefaults.getMapper(), new EndAware(in, ended), out);
        provider.setSessionFactory(SessionFactories.perConnection(
                DownstreamTransportKind.STDIO, handler, provider.protocolVersions(), session -> {}));
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
