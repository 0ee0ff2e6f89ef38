package dev.portico.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child JVM (Portico or the echo upstream) whose output goes to a log file, started and awaited until a line of its
 * output matches a pattern, such as "listening on http://...". Closing it kills it and waits for it to end.
 */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final long startedNanos;
    private final CompletableFuture<Matcher> ready = new CompletableFuture<>();

    private ChildJvm(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /**
     * Starts {@code java <jvmFlags> <command...>} with the JDK running this driver.
     *
     * @param command a main class and its arguments, after {@code -cp}, or {@code -jar file} and its arguments
     * @param log where the child's stdout and stderr go
     * @param readyWhen the child is ready once a line matches; {@link #awaitReady} answers the match
     */
    static ChildJvm start(List<String> jvmFlags, List<String> command, Path log, Pattern readyWhen) throws IOException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        line.addAll(jvmFlags);
        line.addAll(command);
        return start(new ProcessBuilder(line), log, readyWhen);
    }

    /**
     * Starts {@code builder}'s command, which runs a JVM in the end (a launcher script that {@code exec}s java, as
     * users start Portico), with the same log and readiness as {@link #start(List, List, Path, Pattern)}.
     */
    static ChildJvm start(ProcessBuilder builder, Path log, Pattern readyWhen) throws IOException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        builder.redirectErrorStream(true);
        long started = System.nanoTime();
        ChildJvm child = new ChildJvm(builder.start(), started);
        child.pump(log, readyWhen);
        return child;
    }

    /** {@code -cp <this driver's class path> mainClass args...}: the child runs the same build as the driver. */
    static List<String> classPathCommand(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    private void pump(Path log, Pattern readyWhen) throws IOException {
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread pump = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            PrintWriter file = new PrintWriter(out)) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            file.println(line);
                            file.flush();
                            Matcher matcher = readyWhen.matcher(line);
                            if (!ready.isDone() && matcher.find()) {
                                ready.complete(matcher);
                            }
                        }
                    } catch (IOException e) {
                        ready.completeExceptionally(e);
                    }
                    ready.completeExceptionally(
                            new IllegalStateException("child exited before it was ready; see " + log));
                },
                "bench-child-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** The match of the ready line; fails if the child exits first or takes longer than {@code timeout}. */
    Matcher awaitReady(Duration timeout) throws Exception {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("child not ready within " + timeout, e);
        }
    }

    /** When the child was started, in {@link System#nanoTime()}. */
    long startedNanos() {
        return startedNanos;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
