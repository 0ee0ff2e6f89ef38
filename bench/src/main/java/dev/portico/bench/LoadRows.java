package dev.portico.bench;

/**
 * The table rows of the load part, with the targets of issue 7: through Portico, p50 at most 0.3 ms and p99 at most
 * 2 ms above direct, and at 64 sessions at least 0.9× direct's calls per second.
 */
final class LoadRows {

    static final double P50_OVERHEAD_MS = 0.3;
    static final double P99_OVERHEAD_MS = 2.0;
    static final double THROUGHPUT_RATIO = 0.9;
    static final int THROUGHPUT_SESSIONS = 64;

    private static final String PART = "tools/call";

    private LoadRows() {}

    static Report.Row direct(int sessions, LoadPart.Measured result) {
        return new Report.Row(
                PART,
                sessions + " session(s), direct to the upstream (baseline of both transports)",
                figures(result),
                "",
                "",
                "");
    }

    /**
     * Through {@link ForwardingProxy}: no target of its own; its ratios are the floor under Portico's on this machine.
     */
    static Report.Row forwarded(int sessions, LoadPart.Measured measured, LoadPart.Measured baseline) {
        return new Report.Row(
                PART,
                sessions + " session(s), through a byte-forwarding proxy (no MCP: what one more hop costs here)",
                figures(measured, "proxy", measured.proxyCpuNanosPerCall(), false),
                versus(measured.calls(), baseline.calls()),
                "",
                "");
    }

    private static String versus(ClosedLoop.Result through, ClosedLoop.Result direct) {
        return Report.format(
                "calls/s %.2f× · p50 %+.2f ms (%.2f×) · p99 %+.2f ms (%.2f×)",
                through.callsPerSecond() / direct.callsPerSecond(),
                through.millis(50) - direct.millis(50),
                through.millis(50) / direct.millis(50),
                through.millis(99) - direct.millis(99),
                through.millis(99) / direct.millis(99));
    }

    static Report.Row proxied(String transport, int sessions, LoadPart.Measured measured, LoadPart.Measured baseline) {
        ClosedLoop.Result through = measured.calls();
        ClosedLoop.Result direct = baseline.calls();
        double p50Overhead = through.millis(50) - direct.millis(50);
        double p99Overhead = through.millis(99) - direct.millis(99);
        double throughput = through.callsPerSecond() / direct.callsPerSecond();
        boolean met = p50Overhead <= P50_OVERHEAD_MS && p99Overhead <= P99_OVERHEAD_MS;
        String target = Report.format("p50 +≤%.1f ms, p99 +≤%.0f ms", P50_OVERHEAD_MS, P99_OVERHEAD_MS);
        if (sessions == THROUGHPUT_SESSIONS) {
            met &= throughput >= THROUGHPUT_RATIO;
            target += Report.format(", calls/s ≥%.1f×", THROUGHPUT_RATIO);
        }
        met &= through.errors() == 0;
        String versus = versus(through, direct);
        return new Report.Row(
                PART,
                sessions + " session(s), through Portico, " + transport,
                figures(measured),
                versus,
                target,
                Report.met(met));
    }

    private static String figures(LoadPart.Measured measured) {
        return figures(measured, "Portico", measured.porticoCpuNanosPerCall(), true);
    }

    /** Calls/s, latencies, and the CPU per call of the process in the middle ({@code middle}) and of the upstream. */
    private static String figures(LoadPart.Measured measured, String middle, long middleCpuNanos, boolean threads) {
        ClosedLoop.Result result = measured.calls();
        String errors = result.errors() == 0 ? "" : Report.format(" · **%d errors**", result.errors());
        return Report.format(
                        "%,.0f calls/s · p50 %.2f · p90 %.2f · p99 %.2f · max %.1f ms",
                        result.callsPerSecond(),
                        result.millis(50),
                        result.millis(90),
                        result.millis(99),
                        result.maxMillis())
                + Report.format(
                        " · CPU/call: %s %,d µs, upstream %,d µs",
                        middle, middleCpuNanos / 1000, measured.upstreamCpuNanosPerCall() / 1000)
                + (threads ? Report.format(" · Portico threads %,d", measured.porticoThreads()) : "")
                + errors;
    }
}
