package dev.portico.aggregator.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a check of a file whenever it may have changed; the check itself decides whether it did (by its content).
 *
 * <p>It watches the file's <em>directory</em>, not the file, because the ways a config file gets replaced mostly do not
 * touch the file itself: editors write a new file and rename it over the old one (an event for the file's name); a
 * Kubernetes ConfigMap volume swaps the {@code ..data} symlink that the file's own symlink points through (events for
 * names starting with {@code ..}); a deployment tool may delete and recreate it. Events for other names are ignored:
 * a directory that also holds a busy log file would otherwise set off a check several times a second (the benchmark
 * measured the watcher at 6 % of Portico's CPU that way). Events come in bursts (an editor's save is several), so the
 * first one schedules a check after the debounce delay and the others meanwhile join it.
 *
 * <p>Some file systems send no events (network and FUSE mounts; a file reached through a symlink to another
 * directory changes where nobody watches), and the JDK's watch service may be unavailable. So the check also runs
 * every poll interval, whatever the events say: reading a config file every few seconds costs nothing.
 *
 * <p>Checks run on the given single-threaded executor, so they never overlap. {@link #close()} stops the watch thread
 * and the periodic check; the executor belongs to the caller.
 */
final class ConfigFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigFileWatcher.class);

    private final ScheduledExecutorService executor;
    private final Path fileName;
    private final Duration debounce;
    private final Runnable check;
    private final AtomicBoolean checkPending = new AtomicBoolean();
    private final WatchService watchService;
    private final ScheduledFuture<?> polling;

    private ConfigFileWatcher(
            Path directory,
            Path fileName,
            ScheduledExecutorService executor,
            Duration debounce,
            Duration pollInterval,
            Runnable check) {
        this.executor = executor;
        this.fileName = fileName;
        this.debounce = debounce;
        this.check = check;
        this.watchService = register(directory);
        this.polling = executor.scheduleWithFixedDelay(
                this::runCheck, pollInterval.toMillis(), pollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts watching the directory of {@code file}, and checking every {@code pollInterval}.
     *
     * @param check what to run (on {@code executor}) when the file may have changed; failures are logged
     */
    static ConfigFileWatcher start(
            Path file, ScheduledExecutorService executor, Duration debounce, Duration pollInterval, Runnable check) {
        Path directory = file.toAbsolutePath().getParent();
        ConfigFileWatcher watcher =
                new ConfigFileWatcher(directory, file.getFileName(), executor, debounce, pollInterval, check);
        if (watcher.watchService != null) {
            Thread thread = new Thread(watcher::watch, "portico-config-watch");
            thread.setDaemon(true);
            thread.start();
        }
        return watcher;
    }

    /** The watch service for {@code directory}, or null when the platform cannot watch it: polling still checks. */
    private static WatchService register(Path directory) {
        WatchService service = null;
        try {
            service = FileSystems.getDefault().newWatchService();
            directory.register(
                    service,
                    StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn(
                    "Cannot watch {} for changes ({}); looking at the config file every few seconds instead",
                    directory,
                    e.getMessage());
            closeQuietly(service);
            return null;
        }
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watchService.take();
                if (key.pollEvents().stream().anyMatch(this::mayConcernTheFile)) {
                    schedule();
                }
                if (!key.reset()) {
                    log.warn("The directory of the config file is gone; looking at the file every few seconds instead");
                    return;
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: done
        }
    }

    /** The file's own name, a ConfigMap's {@code ..data} and its kin, or an OVERFLOW ("something changed"). */
    private boolean mayConcernTheFile(WatchEvent<?> event) {
        if (!(event.context() instanceof Path name)) {
            return true;
        }
        return name.equals(fileName) || name.toString().startsWith("..");
    }

    /** Schedules a check after the debounce delay, unless one is already waiting: a burst of events makes one. */
    private void schedule() {
        if (checkPending.compareAndSet(false, true)) {
            try {
                executor.schedule(this::runCheck, debounce.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // Stopping: the executor was shut down before this watcher was closed.
                checkPending.set(false);
            }
        }
    }

    private void runCheck() {
        checkPending.set(false);
        try {
            check.run();
        } catch (RuntimeException e) {
            // A periodic task that throws is never run again; the watcher must outlive any one failed check.
            log.error("Checking the config file for changes failed", e);
        }
    }

    @Override
    public void close() {
        polling.cancel(false);
        closeQuietly(watchService);
    }

    private static void closeQuietly(WatchService service) {
        if (service == null) {
            return;
        }
        try {
            service.close();
        } catch (IOException e) {
            log.debug("Closing the config file watch service: {}", e.getMessage());
        }
    }
}
