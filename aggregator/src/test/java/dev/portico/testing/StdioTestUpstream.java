package dev.portico.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link TestCatalog} over stdio, as a child process: {@code java -cp <test class path> StdioTestUpstream <id>}
 * (see {@link #command(String)}). Stdout is the protocol channel, so everything else (logging, stray prints) goes to
 * stderr. The process exits when stdin reaches end of file.
 */
public final class StdioTestUpstream {

    /** System property: log level of the child process (default WARN). */
    public static final String LOG_LEVEL_PROPERTY = "portico.test.stdio.logLevel";

    private StdioTestUpstream() {}

    public static void main(String[] args) throws Exception {
        String id = args.length > 0 ? args[0] : "stdio";

        // Keep the real stdout for the protocol; anything else printing to System.out lands on stderr.
        OutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        logToStderr();

        CountDownLatch stdinClosed = new CountDownLatch(1);
        InputStream protocolIn = new FilterInputStream(new FileInputStream(FileDescriptor.in)) {
            @Override
            public int read() throws IOException {
                return eof(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return eof(super.read(b, off, len));
            }

            private int eof(int n) {
                if (n < 0) {
                    stdinClosed.countDown();
                }
                return n;
            }
        };

        StdioServerTransportProvider provider =
                new StdioServerTransportProvider(McpJsonDefaults.getMapper(), protocolIn, protocolOut);
        McpAsyncServer server = new TestCatalog(id).buildServer(McpServer.async(provider));
        LoggerFactory.getLogger(StdioTestUpstream.class).info("stdio test upstream '{}' ready", id);

        stdinClosed.await();
        try {
            server.closeGracefully().block(Duration.ofSeconds(1));
        } catch (RuntimeException e) {
            // exiting anyway
        }
        System.exit(0);
    }

    /**
     * The command line that starts this class as a child JVM with the current (test) class path: the running
     * {@code java} binary, {@code -cp}, {@code java.class.path}, this class, {@code id}.
     */
    public static List<String> command(String id) {
        return List.of(
                javaBinary(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                StdioTestUpstream.class.getName(),
                id);
    }

    /** {@link #command(String)} as SDK client {@link ServerParameters}. */
    public static ServerParameters serverParameters(String id) {
        List<String> command = command(id);
        return ServerParameters.builder(command.get(0))
                .args(command.subList(1, command.size()))
                .build();
    }

    static String javaBinary() {
        boolean windows = System.getProperty("os.name", "").toLowerCase().contains("win");
        Path fromHome = Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * Replaces whatever logback configuration was found on the class path with a single stderr appender, so no other
     * test's logback.xml can send log lines to the protocol channel.
     */
    private static void logToStderr() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} [stdio-upstream] %-5level %logger{30} - %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty(LOG_LEVEL_PROPERTY), Level.WARN));
        root.addAppender(appender);
    }
}
