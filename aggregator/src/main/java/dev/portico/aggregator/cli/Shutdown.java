package dev.portico.aggregator.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** Closes Portico and what it depends on exactly once: on JVM shutdown, or earlier when asked to. */
final class Shutdown implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private final List<AutoCloseable> resources;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);

    private Shutdown(List<AutoCloseable> resources) {
        this.resources = resources;
    }

    /** Registers a JVM shutdown hook that closes {@code first}, then {@code others} in order. */
    static Shutdown onExit(AutoCloseable first, AutoCloseable... others) {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(first);
        all.addAll(Arrays.asList(others));
        Shutdown shutdown = new Shutdown(List.copyOf(all));
        Runtime.getRuntime().addShutdownHook(new Thread(shutdown::close, "portico-shutdown"));
        return shutdown;
    }

    /**
     * Makes SIGTERM and SIGINT (Ctrl+C) end the process with exit code 0 once the shutdown hooks ran, instead of the
     * JVM's 143 and 130: a stop that was asked for and drained is a success, and an orchestrator or service manager
     * reads any other code as a crash. For {@code main} only: it owns the process's exit code.
     */
    static void exitZeroOnStopSignals() {
        for (String name : List.of("TERM", "INT")) {
            handleSignal(name, () -> System.exit(PorticoMain.EXIT_OK));
        }
    }

    /**
     * Runs {@code action} (on a thread of the JVM's) whenever the process gets signal SIG{@code name}, instead of the
     * JVM's default handling. For {@code main} only: signals belong to the whole process.
     */
    @SuppressWarnings("removal") // sun.misc.Signal: the only way to handle a signal in Java 17; it runs the hooks
    static void handleSignal(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), signal -> action.run());
        } catch (IllegalArgumentException e) {
            // Unknown on this platform (SIGHUP on Windows), or reserved (java -Xrs): the JVM's default handling stays.
            log.debug("Cannot handle SIG{}: {}", name, e.getMessage());
        }
    }

    /** Closes each resource, logging (not throwing) failures. */
    static void closeAll(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resource.getClass().getSimpleName(), Failures.describe(e));
            }
        }
    }

    /** Closes everything; later calls wait until the first one is done. */
    @Override
    public void close() {
        if (!started.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            log.info("Stopping Portico");
            closeAll(resources.toArray(AutoCloseable[]::new));
        } finally {
            closed.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    void awaitClosed() throws InterruptedException {
        closed.await();
    }

    private void awaitQuietly() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
