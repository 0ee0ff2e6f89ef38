package dev.portico.aggregator.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways a config file gets replaced in practice each lead to a check of its content: through directory events
 * where the file system sends them, else by the periodic look.
 */
class ConfigFileWatcherTest {

    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final Duration DEBOUNCE = Duration.ofMillis(100);
    /** Long enough that a check within the test's wait came from an event, not from polling. */
    private static final Duration NO_POLLING = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private ConfigFileWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        executor.shutdownNow();
    }

    /**
     * A Kubernetes ConfigMap volume: {@code portico.yaml -> ..data/portico.yaml}, {@code ..data -> ..<timestamp>};
     * an update writes a new timestamped directory and renames a new {@code ..data} symlink over the old one. The file
     * itself never sees an event.
     */
    @Test
    void whenAConfigMapVolumeSwapsItsDataDirectoryThenTheNewContentIsChecked() throws Exception {
        Path first = Files.createDirectory(dir.resolve("..2026_11_23_20_00_00.1"));
        Files.writeString(first.resolve("portico.yaml"), "first");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Path file = Files.createSymbolicLink(dir.resolve("portico.yaml"), Path.of("..data", "portico.yaml"));
        watch(file, NO_POLLING);

        Path second = Files.createDirectory(dir.resolve("..2026_11_23_20_05_00.2"));
        Files.writeString(second.resolve("portico.yaml"), "second");
        Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(LIMIT).until(() -> seen.contains("second"));
    }

    @Test
    void whenAnEditorRenamesANewFileOverTheOldOneThenTheNewContentIsChecked() throws Exception {
        Path file = Files.writeString(dir.resolve("portico.yaml"), "first");
        watch(file, NO_POLLING);

        Path saved = Files.writeString(dir.resolve(".portico.yaml.swp"), "second");
        Files.move(saved, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(LIMIT).until(() -> seen.contains("second"));
    }

    /** A log file written beside the config (a busy directory) must not set off a check with every line. */
    @Test
    void whenOtherFilesInTheDirectoryChangeThenNoCheckRuns() throws Exception {
        Path file = Files.writeString(dir.resolve("portico.yaml"), "first");
        watch(file, NO_POLLING);

        Path log = dir.resolve("portico.log");
        for (int line = 0; line < 50; line++) {
            Files.writeString(log, "line " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        Thread.sleep(DEBOUNCE.multipliedBy(5).toMillis()); // any check the lines had scheduled would have run by now

        assertThat(seen).isEmpty();
        Files.writeString(file, "second");
        await().atMost(LIMIT).until(() -> seen.contains("second"));
    }

    /** A file reached through a symlink into a directory nobody watches changes without an event: polling sees it. */
    @Test
    void whenTheFileChangesWhereNoEventIsSentThenThePeriodicLookSeesIt() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path target = Files.writeString(elsewhere.resolve("real.yaml"), "first");
        Path watched = Files.createDirectory(dir.resolve("watched"));
        Path file = Files.createSymbolicLink(watched.resolve("portico.yaml"), target);
        watch(file, Duration.ofMillis(200));

        Files.writeString(target, "second");

        await().atMost(LIMIT).until(() -> seen.contains("second"));
    }

    @Test
    void afterCloseNoMoreChecksRun() throws Exception {
        Path file = Files.writeString(dir.resolve("portico.yaml"), "first");
        watch(file, Duration.ofMillis(50));
        await().atMost(LIMIT).until(() -> !seen.isEmpty());

        watcher.close();
        executor.submit(() -> {}).get(); // a check already running ends first
        int checks = seen.size();
        Files.writeString(file, "second");
        Thread.sleep(300); // several poll intervals and a debounce delay: none may run any more

        assertThat(seen).hasSize(checks).doesNotContain("second");
    }

    private void watch(Path file, Duration pollInterval) {
        watcher = ConfigFileWatcher.start(file, executor, DEBOUNCE, pollInterval, () -> seen.add(read(file)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }
}
