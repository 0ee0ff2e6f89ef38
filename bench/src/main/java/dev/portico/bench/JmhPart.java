package dev.portico.bench;

import java.nio.file.Files;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs {@link OAuthHotPathBenchmark} with JMH; its own report goes to a file beside the other logs. */
final class JmhPart {

    static final double TARGET_LOOKUP_NS = 1_000;
    static final double TARGET_CHALLENGE_NS = 20_000;

    private final BenchOptions options;

    JmhPart(BenchOptions options) {
        this.options = options;
    }

    void run(Report report) throws Exception {
        BenchOptions.JmhSettings jmh = options.jmh;
        Progress.say(
                "jmh: %d fork(s), %d × %s warm-up, %d × %s measured",
                jmh.forks(), jmh.warmUpIterations(), jmh.iteration(), jmh.iterations(), jmh.iteration());
        Files.createDirectories(options.logDirectory);
        TimeValue iteration = TimeValue.milliseconds(jmh.iteration().toMillis());
        Options settings = new OptionsBuilder()
                .include(OAuthHotPathBenchmark.class.getName())
                .forks(jmh.forks())
                .warmupIterations(jmh.warmUpIterations())
                .warmupTime(iteration)
                .measurementIterations(jmh.iterations())
                .measurementTime(iteration)
                .timeUnit(TimeUnit.NANOSECONDS)
                .output(options.logDirectory.resolve("jmh.txt").toString())
                .build();
        Collection<RunResult> results = new Runner(settings).run();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark();
            Result<?> score = run.getPrimaryResult();
            boolean lookup = method.endsWith(".tokenLookup");
            double target = lookup ? TARGET_LOOKUP_NS : TARGET_CHALLENGE_NS;
            report.add(
                    "OAuth (JMH)",
                    lookup
                            ? "token lookup for a session (owner + issuer + scope)"
                            : "challenge creation (state + PKCE + URL)",
                    Report.format("%.3f µs/op ± %.3f", score.getScore() / 1000, error(score) / 1000),
                    Report.format("≤%.0f µs", target / 1000),
                    Report.met(score.getScore() <= target));
        }
    }

    /** JMH's 99.9% confidence half-width; NaN with too few iterations, shown as 0. */
    private static double error(Result<?> score) {
        double error = score.getScoreError();
        return Double.isNaN(error) ? 0 : error;
    }
}
