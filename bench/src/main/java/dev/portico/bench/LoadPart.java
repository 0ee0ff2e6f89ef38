package dev.portico.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;

/**
 * {@code tools/call} of {@code echo} in a closed loop, for each session count: against the upstream directly, through
 * Portico over streamable HTTP and through Portico over legacy SSE, one after the other in the same run. The upstream
 * speaks streamable HTTP only, so the direct figures serve as the baseline for both downstream transports.
 */
final class LoadPart {

    /** How many sessions open at once while setting up a case. */
    private static final int OPENERS = 16;

    private final BenchOptions options;
    private final McpWire wire = new McpWire();
    /** Portico's and the upstream's process ids, whose CPU time is measured. */
    private long[] processes;

    LoadPart(BenchOptions options) {
        this.options = options;
    }

    void run(Report report) throws Exception {
        try (ChildJvm upstream = ChildJvm.start(
                        List.of(),
                        ChildJvm.classPathCommand(EchoUpstreams.class.getName()),
                        options.logDirectory.resolve("load-upstream.log"),
                        Pattern.compile(Pattern.quote(EchoUpstreams.READY_LINE) + "(\\S+)"));
                PorticoChild portico = PorticoChild.serve(
                        options,
                        URI.create(
                                upstream.awaitReady(PorticoChild.START_TIMEOUT).group(1)),
                        "load-portico")) {
            URI direct =
                    URI.create(upstream.awaitReady(PorticoChild.START_TIMEOUT).group(1));
            this.processes = new long[] {portico.pid(), upstream.pid()};
            for (int sessions : options.sessions) {
                Progress.say("load: %d session(s), direct", sessions);
                Measured baseline = measure(sessions, "echo", () -> StreamableSession.open(wire, direct));
                report.add(LoadRows.direct(sessions, baseline));
                Progress.say("load: %d session(s), through Portico over streamable HTTP", sessions);
                Measured streamable =
                        measure(sessions, "echo__echo", () -> StreamableSession.open(wire, portico.mcp()));
                report.add(LoadRows.proxied("streamable HTTP", sessions, streamable, baseline));
                Progress.say("load: %d session(s), through Portico over SSE", sessions);
                Measured sse = measure(sessions, "echo__echo", () -> SseSession.open(wire, portico.sse()));
                report.add(LoadRows.proxied("SSE", sessions, sse, baseline));
            }
        }
    }

    /** Something that opens one session. */
    @FunctionalInterface
    interface Opener {
        BenchSession open() throws Exception;
    }

    /**
     * A case's latencies, the CPU time Portico and the upstream spent per call (warm-up included), and Portico's
     * threads at the end, sessions still open.
     */
    record Measured(
            ClosedLoop.Result calls, long porticoCpuNanosPerCall, long upstreamCpuNanosPerCall, int porticoThreads) {}

    private Measured measure(int count, String tool, Opener opener) throws Exception {
        List<BenchSession> sessions = open(count, opener);
        try {
            long porticoBefore = ProcFs.cpuNanos(processes[0]);
            long upstreamBefore = ProcFs.cpuNanos(processes[1]);
            ClosedLoop.Result result = ClosedLoop.run(sessions, tool, options.warmUp, options.measured);
            long calls = Math.max(1, result.allCalls());
            return new Measured(
                    result,
                    (ProcFs.cpuNanos(processes[0]) - porticoBefore) / calls,
                    (ProcFs.cpuNanos(processes[1]) - upstreamBefore) / calls,
                    ProcFs.threads(processes[0]));
        } finally {
            sessions.forEach(BenchSession::close);
        }
    }

    static List<BenchSession> open(int count, Opener opener) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(count, OPENERS));
        try {
            List<Future<BenchSession>> opening = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                opening.add(pool.submit(opener::open));
            }
            List<BenchSession> sessions = new ArrayList<>();
            Exception failure = null;
            for (Future<BenchSession> session : opening) {
                try {
                    sessions.add(session.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    failure = failure == null
                            ? new IllegalStateException("opening a session failed", e.getCause())
                            : failure;
                }
            }
            if (failure != null) {
                sessions.forEach(BenchSession::close);
                throw failure;
            }
            return sessions;
        } finally {
            pool.shutdownNow();
        }
    }
}
