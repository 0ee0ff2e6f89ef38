package dev.portico.aggregator.cli;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code portico --config FILE} as a child JVM serving HTTP, its stderr (the log) in a file that tests read. {@link
 * #close()} kills what is left of it.
 */
final class ServingPortico implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Portico listening on (http://\\S+) ");

    private final Process process;
    private final Path stderr;
    private final Duration limit;
    private final URI baseUri;

    private ServingPortico(Process process, Path stderr, Duration limit) {
        this.process = process;
        this.stderr = stderr;
        this.limit = limit;
        this.baseUri = await().atMost(limit)
                .until(this::listeningUrl, Optional::isPresent)
                .orElseThrow();
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
        try {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    private Optional<URI> listeningUrl() {
        if (!process.isAlive()) {
            throw new AssertionError("portico exited with " + process.exitValue() + "\n--- stderr:\n" + stderr());
        }
        Matcher matcher = LISTENING.matcher(stderr());
        return matcher.find() ? Optional.of(URI.create(matcher.group(1))) : Optional.empty();
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
