package dev.portico.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Calls {@code echo} on every session in a closed loop (each session waits for its answer before the next call) for a
 * warm-up and then a measured period; only calls that start and end within the measured period count towards the
 * latencies and calls per second ({@code allCalls} counts the warm-up too, to divide CPU time by).
 */
final class ClosedLoop {

    /** Latencies up to a minute, to three significant digits. */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private ClosedLoop() {}

    /** What one run measured. */
    record Result(long calls, long errors, Duration measured, Histogram latencies, long allCalls) {

        double callsPerSecond() {
            return calls / (measured.toNanos() / 1e9);
        }

        double millis(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }

        double maxMillis() {
            return latencies.getMaxValue() / 1e6;
        }
    }

    static Result run(List<BenchSession> sessions, String tool, Duration warmUp, Duration measured)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong allCalls = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            BenchSession session = sessions.get(i);
            Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
            histograms.add(histogram);
            String text = "hello " + i;
            Thread thread = new Thread(
                    () -> loop(session, tool, text, measureFrom, measureUntil, histogram, errors, allCalls),
                    "bench-loop-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram all = new Histogram(HIGHEST_NANOS, 3);
        histograms.forEach(all::add);
        return new Result(all.getTotalCount(), errors.get(), measured, all, allCalls.get());
    }

    private static void loop(
            BenchSession session,
            String tool,
            String text,
            long measureFrom,
            long measureUntil,
            Histogram histogram,
            AtomicLong errors,
            AtomicLong allCalls) {
        while (true) {
            long before = System.nanoTime();
            if (before >= measureUntil) {
                return;
            }
            boolean ok;
            try {
                ok = session.echo(tool, text);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                ok = false;
            }
            long after = System.nanoTime();
            allCalls.incrementAndGet();
            if (before >= measureFrom && after <= measureUntil) {
                if (ok) {
                    histogram.recordValue(Math.min(after - before, HIGHEST_NANOS));
                } else {
                    errors.incrementAndGet();
                }
            }
        }
    }
}
