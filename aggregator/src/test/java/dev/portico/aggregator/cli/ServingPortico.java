package dev.portico.aggregator.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code portico --config FILE} as a child JVM serving HTTP, its stderr (the log) in a file that tests read. {@link
 * #close()} kills what is left of it.
 */
final class ServingPortico implements AutoCloseable {

    private final Process process;
    private final Path stderr;
    private final Duration limit;
    private final URI baseUri;

    private ServingPortico(Process process, Path stderr, Duration limit) {
        this.process = process;
        this.stderr = stderr;
        this.limit = limit;
        this.baseUri = PorticoProcess.awaitListening(process, stderr, limit);
    }

    /**
     * Starts Portico on {@code config}, with its stdout and stderr in {@code dir}, and waits up to {@code limit} until
     * it listens.
     */
    static ServingPortico start(Path config, Path dir, Duration limit) throws IOException {
        Path stderr = dir.resolve("stderr.log");
        Process process = new ProcessBuilder(PorticoProcess.command("--config", config.toString()))
                .redirectError(stderr.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile())
                .start();
        process.getOutputStream().close();
        try {
            return new ServingPortico(process, stderr, limit);
        } catch (RuntimeException | Error e) {
            process.destroyForcibly();
            throw e;
        }
    }

    Process process() {
        return process;
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}. */
    URI baseUri() {
        return baseUri;
    }

    /** What it logged so far. */
    String stderr() {
        return PorticoProcess.read(stderr);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
