package dev.portico.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Portico's heap and resident memory with many idle streamable-HTTP sessions (initialized, nothing called), measured
 * from outside with {@code jcmd} (a full GC, then the heap in use) and {@code /proc/<pid>/status}, against a baseline
 * taken after a few sessions came and went. Idle sessions open no upstream connection (they open lazily), so this is
 * the cost of the session itself. Target: at most 50 KiB of heap per session.
 */
final class MemoryPart {

    static final long TARGET_BYTES_PER_SESSION = 50 * 1024;

    /** Sessions opened and closed before the baseline, so that their classes are loaded and their code compiled. */
    private static final int WARM_UP_SESSIONS = 100;

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final BenchOptions options;

    MemoryPart(BenchOptions options) {
        this.options = options;
    }

    /** Heap in use after a full GC, and resident set size, in bytes. */
    record Footprint(long heap, long rss) {}

    void run(Report report) throws Exception {
        McpWire wire = new McpWire();
        try (EchoUpstreams upstream = EchoUpstreams.single();
                PorticoChild portico =
                        PorticoChild.serve(options, upstream.urls().get(0), "memory-portico")) {
            LoadPart.open(
                            Math.min(WARM_UP_SESSIONS, options.idleSessions),
                            () -> StreamableSession.open(wire, portico.mcp()))
                    .forEach(BenchSession::close);
            Footprint baseline = footprint(portico.pid());
            int count = options.idleSessions;
            Progress.say("memory: opening %,d idle sessions", count);
            List<BenchSession> idle = LoadPart.open(count, () -> StreamableSession.open(wire, portico.mcp()));
            Footprint loaded = footprint(portico.pid());
            long heapEach = (loaded.heap() - baseline.heap()) / count;
            report.add(
                    "memory",
                    Report.format("%,d idle streamable-HTTP sessions: heap per session", idle.size()),
                    perSession("heap after GC", baseline.heap(), loaded.heap(), count),
                    "≤50 KiB",
                    Report.met(heapEach <= TARGET_BYTES_PER_SESSION));
            report.add(
                    "memory",
                    Report.format("%,d idle streamable-HTTP sessions: RSS per session", idle.size()),
                    perSession("RSS", baseline.rss(), loaded.rss(), count),
                    "",
                    "");
        }
    }

    /** "2.9 KiB (heap after GC 16.1 → 44.4 MiB)": the growth per session, and the totals before and after. */
    private static String perSession(String what, long before, long after, int sessions) {
        return Report.format(
                "%,.1f KiB (%s %,.1f → %,.1f MiB)",
                (after - before) / (double) sessions / 1024, what, before / 1048576.0, after / 1048576.0);
    }

    static Footprint footprint(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String heapInfo = jcmd(pid, "GC.heap_info");
        Matcher heap = HEAP_USED.matcher(heapInfo);
        if (!heap.find()) {
            throw new IllegalStateException("no heap figure in jcmd GC.heap_info:\n" + heapInfo);
        }
        return new Footprint(Long.parseLong(heap.group(1)) * 1024, ProcFs.residentBytes(pid));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + output);
        }
        return output;
    }
}
