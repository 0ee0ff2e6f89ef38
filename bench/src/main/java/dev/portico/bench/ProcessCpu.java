package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time a process has used (user + system), from {@code /proc/<pid>/stat} (Linux). On a shared machine latencies
 * say as much about the neighbours as about Portico; CPU time per call does not, so the load rows show both.
 */
final class ProcessCpu {

    /** Linux reports in clock ticks, which are 1/100 s on every common configuration. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {}

    /** CPU time used by {@code pid} so far, in nanoseconds. */
    static long nanos(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long userTicks = Long.parseLong(fields[11]);
        long systemTicks = Long.parseLong(fields[12]);
        return (userTicks + systemTicks) * NANOS_PER_TICK;
    }
}
