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
 * latencies and calls per second. A {@link Meter} is read when the measured period begins and when it ends, so that
 * what it measures (CPU time) can be divided by the calls that ended in between ({@code endedInPeriod}), the warm-up
 * left out.
 */
final class ClosedLoop {

    /** Latencies up to a minute, to three significant digits. */
    private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private ClosedLoop() {}

    /** Something read at the start and at the end of the measured period, e.g. the CPU time of the processes. */
    interface Meter {
        void periodStarts() throws Exception;

        void periodEnds() throws Exception;
    }

    /** A meter that reads nothing. */
    static final Meter NO_METER = new Meter() {
        @Override
        public void periodStarts() {}

        @Override
        public void periodEnds() {}
    };

    /**
     * What one run measured; {@code endedInPeriod} counts every call that ended in the measured period, also those
     * that started before it and those that failed.
     */
    record Result(long calls, long errors, Duration measured, Histogram latencies, long endedInPeriod) {

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

    static Result run(List<BenchSession> sessions, String tool, Duration warmUp, Duration measured, Meter meter)
            throws Exception {
        long start = System.nanoTime();
        long measureFrom = start + warmUp.toNanos();
        long measureUntil = measureFrom + measured.toNanos();
        AtomicLong errors = new AtomicLong();
        AtomicLong endedInPeriod = new AtomicLong();
        List<Histogram> histograms = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            BenchSession session = sessions.get(i);
            Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
            histograms.add(histogram);
            String text = "hello " + i;
            Thread thread = new Thread(
                    () -> loop(session, tool, text, measureFrom, measureUntil, histogram, errors, endedInPeriod),
                    "bench-loop-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        sleepUntil(measureFrom);
        meter.periodStarts();
        sleepUntil(measureUntil);
        meter.periodEnds();
        for (Thread thread : threads) {
            thread.join();
        }
        Histogram all = new Histogram(HIGHEST_NANOS, 3);
        histograms.forEach(all::add);
        return new Result(all.getTotalCount(), errors.get(), measured, all, endedInPeriod.get());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void loop(
            BenchSession session,
            String tool,
            String text,
            long measureFrom,
            long measureUntil,
            Histogram histogram,
            AtomicLong errors,
            AtomicLong endedInPeriod) {
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
            if (after >= measureFrom && after <= measureUntil) {
                endedInPeriod.incrementAndGet();
            }
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
