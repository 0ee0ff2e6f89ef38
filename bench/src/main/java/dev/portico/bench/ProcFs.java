package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Linux's {@code /proc/<pid>} says of a child process: CPU time used, threads, resident memory. On a shared
 * machine latencies say as much about the neighbours as about Portico; CPU time per call does not, so the load rows
 * show both.
 */
final class ProcFs {

    /** Linux reports CPU time in clock ticks, which are 1/100 s on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private static final Pattern THREADS = Pattern.compile("Threads:\\s+(\\d+)");
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");

    private ProcFs() {}

    /** CPU time (user + system) used by {@code pid} so far, in nanoseconds. */
    static long cpuNanos(long pid) throws IOException {
        return cpuNanosOf(read(pid, "stat"));
    }

    /** User + system CPU time of a {@code stat} line (of a process or of one of its threads), in nanoseconds. */
    private static long cpuNanosOf(String stat) {
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long userTicks = Long.parseLong(fields[11]);
        long systemTicks = Long.parseLong(fields[12]);
        return (userTicks + systemTicks) * NANOS_PER_TICK;
    }

    /**
     * CPU time used so far by the JIT compiler threads of JVM {@code pid} (HotSpot names them "C1 CompilerThread<n>"
     * and "C2 CompilerThread<n>"; Linux shows the first 15 characters), in nanoseconds.
     */
    static long compilerCpuNanos(long pid) throws IOException {
        long total = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (java.nio.file.NoSuchFileException threadEnded) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    total += cpuNanosOf(stat);
                }
            }
        }
        return total;
    }

    /** The number of threads {@code pid} has now. */
    static int threads(long pid) throws IOException {
        return Integer.parseInt(status(pid, THREADS));
    }

    /** The resident set size of {@code pid}, in bytes. */
    static long residentBytes(long pid) throws IOException {
        return Long.parseLong(status(pid, RSS)) * 1024;
    }

    private static String status(long pid, Pattern field) throws IOException {
        Matcher matcher = field.matcher(read(pid, "status"));
        if (!matcher.find()) {
            throw new IllegalStateException("no " + field.pattern() + " in /proc/" + pid + "/status");
        }
        return matcher.group(1);
    }

    private static String read(long pid, String file) throws IOException {
        return Files.readString(Path.of("/proc", Long.toString(pid), file), StandardCharsets.US_ASCII);
    }
}
