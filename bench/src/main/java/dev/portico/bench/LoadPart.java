package dev.portico.bench;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
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
 *
 * <p>Before the first case, Portico (and through it the upstream) is warmed up once over both transports: without it,
 * the JIT compilation of a fresh JVM lands on whichever case comes first (1 session, streamable HTTP), whose CPU per
 * call then measured the C2 compiler threads as much as the calls (docs/performance.md).
 */
final class LoadPart {

    /** How many sessions open at once while setting up a case. */
    private static final int OPENERS = 16;

    /** Sessions per downstream transport in the global warm-up. */
    private static final int WARM_UP_SESSIONS = 8;

    /** How long each look at the compilers lasts while a case settles. */
    private static final Duration SETTLE_WINDOW = Duration.ofSeconds(2);

    /** Settled: the compilers used at most this share of one core over a window (a tick of /proc is 10 ms). */
    private static final int SETTLED_SHARE_PERCENT = 2;

    private final BenchOptions options;
    private final McpWire wire = new McpWire();
    /** Portico's, the upstream's and the forwarding proxy's process ids, whose CPU time is measured. */
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
            try (ChildJvm proxy = ChildJvm.start(
                    List.of(),
                    ChildJvm.classPathCommand(ForwardingProxy.class.getName(), direct.toString()),
                    options.logDirectory.resolve("load-forwarding-proxy.log"),
                    Pattern.compile(Pattern.quote(ForwardingProxy.READY_LINE) + "(\\S+)"))) {
                URI forwarded =
                        URI.create(proxy.awaitReady(PorticoChild.START_TIMEOUT).group(1));
                this.processes = new long[] {portico.pid(), upstream.pid(), proxy.pid()};
                if (options.pin) {
                    Progress.say("load: driver and upstream on CPU 0, Portico and the forwarding proxy on CPU 1");
                    CpuPinning.pin(ProcessHandle.current().pid(), CpuPinning.CLIENT_SIDE);
                    CpuPinning.pin(upstream.pid(), CpuPinning.CLIENT_SIDE);
                    CpuPinning.pin(portico.pid(), CpuPinning.MIDDLE);
                    CpuPinning.pin(proxy.pid(), CpuPinning.MIDDLE);
                }
                warmUp(portico, forwarded);
                for (int sessions : options.sessions) {
                    measureAll(report, sessions, direct, forwarded, portico);
                }
            }
        }
    }

    /** The four cases of one session count: direct, through the forwarding proxy, through Portico twice. */
    private void measureAll(Report report, int sessions, URI direct, URI forwarded, PorticoChild portico)
            throws Exception {
        Progress.say("load: %d session(s), direct", sessions);
        Measured baseline = measure(sessions, "echo", () -> StreamableSession.open(wire, direct));
        report.add(LoadRows.direct(sessions, baseline));
        Progress.say("load: %d session(s), through the forwarding proxy", sessions);
        Measured floor = measure(sessions, "echo", () -> StreamableSession.open(wire, forwarded));
        report.add(LoadRows.forwarded(sessions, floor, baseline));
        Progress.say("load: %d session(s), through Portico over streamable HTTP", sessions);
        Measured streamable = measure(sessions, "echo__echo", () -> StreamableSession.open(wire, portico.mcp()));
        report.add(LoadRows.proxied("streamable HTTP", sessions, streamable, baseline));
        Progress.say("load: %d session(s), through Portico over SSE", sessions);
        Measured sse = measure(sessions, "echo__echo", () -> SseSession.open(wire, portico.sse()));
        report.add(LoadRows.proxied("SSE", sessions, sse, baseline));
    }

    /** Something that opens one session. */
    @FunctionalInterface
    interface Opener {
        BenchSession open() throws Exception;
    }

    /**
     * A case's latencies, the CPU time Portico and the upstream spent per call in the measured period, and Portico's
     * threads at the end, sessions still open.
     */
    record Measured(
            ClosedLoop.Result calls,
            long porticoCpuNanosPerCall,
            long upstreamCpuNanosPerCall,
            long proxyCpuNanosPerCall,
            int porticoThreads) {}

    /**
     * Calls through both of Portico's transports, and through the forwarding proxy, at once for {@code
     * --portico-warmup}; nothing is recorded.
     */
    private void warmUp(PorticoChild portico, URI forwarded) throws Exception {
        if (options.porticoWarmUp.isZero()) {
            return;
        }
        Progress.say("load: warming Portico up for %d s over both transports", options.porticoWarmUp.toSeconds());
        List<BenchSession> sessions = new ArrayList<>();
        try {
            sessions.addAll(open(WARM_UP_SESSIONS, () -> StreamableSession.open(wire, portico.mcp())));
            sessions.addAll(open(WARM_UP_SESSIONS, () -> SseSession.open(wire, portico.sse())));
            sessions.addAll(open(WARM_UP_SESSIONS, () -> StreamableSession.open(wire, forwarded)));
            ClosedLoop.run(sessions, "echo__echo", Duration.ZERO, options.porticoWarmUp, ClosedLoop.NO_METER);
        } finally {
            sessions.forEach(BenchSession::close);
        }
    }

    private Measured measure(int count, String tool, Opener opener) throws Exception {
        List<BenchSession> sessions = open(count, opener);
        try {
            settleCompilers(sessions, tool);
            CpuMeter cpu = new CpuMeter();
            ClosedLoop.Result result = ClosedLoop.run(sessions, tool, options.warmUp, options.measured, cpu);
            long calls = Math.max(1, result.endedInPeriod());
            return new Measured(
                    result,
                    cpu.used[0] / calls,
                    cpu.used[1] / calls,
                    cpu.used[2] / calls,
                    ProcFs.threads(processes[0]));
        } finally {
            sessions.forEach(BenchSession::close);
        }
    }

    /**
     * Runs the case until the JIT compilers of Portico and the upstream have (nearly) stopped: each new load shape
     * (one session after sixteen, say) makes HotSpot recompile what its profile changed, and on 2 cores a compiler
     * thread at work adds its CPU to every call's latency for tens of seconds. Steady state is what a gateway that runs
     * for days serves, so that is what is measured; a case that does not settle within {@code --settle} is measured
     * anyway, and the time it took shows in the progress output.
     */
    private void settleCompilers(List<BenchSession> sessions, String tool) throws Exception {
        long started = System.nanoTime();
        long deadline = started + options.settle.toNanos();
        while (System.nanoTime() < deadline) {
            long before = compilerCpu();
            ClosedLoop.run(sessions, tool, Duration.ZERO, SETTLE_WINDOW, ClosedLoop.NO_METER);
            long used = compilerCpu() - before;
            if (used <= SETTLE_WINDOW.toNanos() * SETTLED_SHARE_PERCENT / 100) {
                Progress.say(
                        "load: compilers settled after %d s",
                        Duration.ofNanos(System.nanoTime() - started).toSeconds());
                return;
            }
        }
        Progress.say("load: compilers still busy after %d s; measuring anyway", options.settle.toSeconds());
    }

    private long compilerCpu() throws IOException {
        long total = 0;
        for (long pid : processes) {
            total += ProcFs.compilerCpuNanos(pid);
        }
        return total;
    }

    /** The CPU time Portico and the upstream used in the measured period. */
    private final class CpuMeter implements ClosedLoop.Meter {
        final long[] used = new long[processes.length];

        @Override
        public void periodStarts() throws IOException {
            for (int i = 0; i < processes.length; i++) {
                used[i] = -ProcFs.cpuNanos(processes[i]);
            }
        }

        @Override
        public void periodEnds() throws IOException {
            for (int i = 0; i < processes.length; i++) {
                used[i] += ProcFs.cpuNanos(processes[i]);
            }
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
