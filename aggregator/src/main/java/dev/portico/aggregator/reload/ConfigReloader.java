package dev.portico.aggregator.reload;

import dev.portico.aggregator.Portico;
import dev.portico.config.ConfigChanges;
import dev.portico.config.ConfigException;
import dev.portico.config.ConfigLoader;
import dev.portico.config.ConfigProblem;
import dev.portico.config.PorticoConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a running Portico in step with the config file it was started from. When the file's content changes (see
 * {@link ConfigFileWatcher}), or when asked ({@link #reload}, which SIGHUP calls), the file is loaded and validated
 * again by the same loader as at startup. A valid config goes to {@link Portico#reconfigure}, which applies the
 * changed upstreams; an invalid one is logged problem by problem (file, line, key, fix), exactly as at startup, and
 * changes nothing: Portico keeps running the config it has, and its generation stays.
 *
 * <p>Reloads run one at a time, in the order asked for, on the reloader's own thread. Safe for concurrent use.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    /** An editor's save or a ConfigMap swap is a burst of events within milliseconds; one check follows it. */
    static final Duration DEBOUNCE = Duration.ofMillis(300);

    /** How often the file is looked at even without events (see {@link ConfigFileWatcher}). */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(5);

    private static final String FILE_CHANGED = "the file changed";

    private final Path file;
    private final ConfigLoader loader;
    private final Portico portico;
    private final ScheduledExecutorService executor;
    private volatile ConfigFileWatcher watcher;

    /** The file's content when it was last read (null when it could not be read); only used on the reload thread. */
    private byte[] lastSeen;

    private ConfigReloader(Path file, ConfigLoader loader, Portico portico, ScheduledExecutorService executor) {
        this.file = file;
        this.loader = loader;
        this.portico = portico;
        this.executor = executor;
    }

    /**
     * Starts following {@code file}, which {@code portico} was started from with {@code loader}. The file is looked
     * at once right away, in case it changed while Portico was starting.
     */
    public static ConfigReloader follow(Path file, ConfigLoader loader, Portico portico) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "portico-config-reload");
            thread.setDaemon(true);
            return thread;
        });
        ConfigReloader reloader = new ConfigReloader(file, loader, portico, executor);
        reloader.watcher =
                ConfigFileWatcher.start(file, executor, DEBOUNCE, POLL_INTERVAL, reloader::reloadIfContentChanged);
        executor.execute(reloader::catchUp);
        log.info(
                "Following {} for changes; running config generation {}",
                file,
                portico.configGeneration().current());
        return reloader;
    }

    /**
     * Reloads the file whatever its content, after any reload already under way.
     *
     * @param trigger why, for the log: {@code "SIGHUP"}
     */
    public Future<ReloadOutcome> reload(String trigger) {
        return executor.submit(() -> reloadFile(trigger));
    }

    /**
     * {@link #reload} and waits for the outcome.
     *
     * @throws IllegalStateException if the reloader is closed, or the wait was interrupted
     */
    public ReloadOutcome reloadNow(String trigger) {
        try {
            return reload(trigger).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reloading " + file, e);
        } catch (ExecutionException | RejectedExecutionException e) {
            throw new IllegalStateException("cannot reload " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The first look, on the reload thread: remembers the content, and reloads only if it no longer says what Portico
     * was started with (it changed while Portico was starting).
     */
    private void catchUp() {
        lastSeen = readQuietly();
        try {
            ConfigChanges changes = ConfigChanges.between(portico.runningConfig(), loader.load(file));
            if (!changes.upstreamsChanged() && changes.restartRequired().isEmpty()) {
                return;
            }
        } catch (ConfigException e) {
            // Broken since startup: the reload below logs every problem.
        }
        reloadFile("the file changed while Portico was starting");
    }

    // On the reload thread.
    private void reloadIfContentChanged() {
        // Unreadable twice in a row (null both times) is no change either: the problem was logged once.
        if (Arrays.equals(readQuietly(), lastSeen)) {
            return;
        }
        reloadFile(FILE_CHANGED);
    }

    // On the reload thread.
    private ReloadOutcome reloadFile(String trigger) {
        // Read before loading: if the file changes in between, the next look sees other content and loads again.
        lastSeen = readQuietly();
        try {
            return apply(trigger, loader.load(file));
        } catch (ConfigException e) {
            log.error(
                    "Reloading {} ({}) failed; Portico keeps running config generation {}. Fix the file; it is read"
                            + " again when it changes. {} problem(s):",
                    file,
                    trigger,
                    portico.configGeneration().current(),
                    e.problems().size());
            for (ConfigProblem problem : e.problems()) {
                log.error("{}", problem.render());
            }
        } catch (RuntimeException e) {
            log.error(
                    "Reloading {} ({}) failed unexpectedly; Portico keeps running config generation {}",
                    file,
                    trigger,
                    portico.configGeneration().current(),
                    e);
        }
        portico.configGeneration().record(ReloadOutcome.REJECTED);
        return ReloadOutcome.REJECTED;
    }

    private ReloadOutcome apply(String trigger, PorticoConfig next) {
        log.info("Reloading {} ({})", file, trigger);
        return portico.reconfigure(next);
    }

    private byte[] readQuietly() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // Missing or unreadable, perhaps only for a moment: the load says so in detail.
            return null;
        }
    }

    /** Stops following the file; a reload under way finishes. Portico itself is the caller's to close. */
    @Override
    public void close() {
        ConfigFileWatcher current = watcher;
        if (current != null) {
            current.close();
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
