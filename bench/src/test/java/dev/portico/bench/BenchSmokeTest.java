package dev.portico.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every part of the benchmark, each for a moment, end to end (Portico and the echo upstream as child JVMs on
 * loopback): it produces a figure for every row and no call fails. Times are never asserted; docs/performance.md holds
 * the figures of a real run.
 */
class BenchSmokeTest {

    @TempDir
    Path logs;

    @Test
    void whenEveryPartRunsBrieflyThenEveryRowHasAFigure() throws Exception {
        BenchOptions options = new BenchOptions();
        options.sessions = List.of(2);
        // Only starts faster: nothing here is measured for real.
        options.porticoJvmFlags = List.of("-XX:TieredStopAtLevel=1");
        options.porticoWarmUp = Duration.ofMillis(200);
        options.warmUp = Duration.ofMillis(200);
        options.settle = Duration.ZERO;
        options.measured = Duration.ofMillis(300);
        options.idleSessions = 20;
        options.catalogUpstreams = 3;
        options.catalogTools = 5;
        options.catalogCalls = 5;
        options.jmh = new BenchOptions.JmhSettings(0, 1, 1, Duration.ofMillis(100));
        options.coldStarts = 1;
        options.logDirectory = logs;

        List<Report.Row> rows = BenchMain.run(options).rows();

        Set<String> parts = new TreeSet<>();
        rows.forEach(row -> parts.add(row.part()));
        assertThat(parts).containsExactlyInAnyOrder("tools/call", "memory", "catalog", "OAuth (JMH)", "cold start");
        assertThat(rows).filteredOn(row -> row.part().equals("tools/call")).hasSize(4);
        assertThat(rows)
                .filteredOn(
                        row -> row.part().equals("tools/call") && !row.subject().contains("forwarding proxy"))
                .hasSize(3)
                .allSatisfy(
                        row -> assertThat(row.result())
                                .matches(
                                        "[\\d,]+ calls/s · p50 [\\d.]+ · p90 [\\d.]+ · p99 [\\d.]+ · max [\\d.]+ ms · CPU/call: Portico [\\d,]+ µs, upstream [\\d,]+ µs · Portico threads [\\d,]+"));
        assertThat(rows)
                .filteredOn(row -> row.subject().contains("forwarding proxy"))
                .singleElement()
                .satisfies(row -> assertThat(row.result())
                        .matches("[\\d,]+ calls/s · p50 [\\d.]+ · p90 [\\d.]+ · p99 [\\d.]+ · max [\\d.]+ ms"
                                + " · CPU/call: proxy [\\d,]+ µs, upstream [\\d,]+ µs"))
                .satisfies(row -> assertThat(row.versusDirect()).startsWith("calls/s "));
        assertThat(rows)
                .filteredOn(row -> row.subject().contains("through Portico"))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.versusDirect()).startsWith("calls/s "));
        assertThat(rows)
                .filteredOn(row -> row.part().equals("memory"))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.result()).matches("-?[\\d,.]+ KiB .*"));
        assertThat(rows)
                .filteredOn(row -> row.part().equals("catalog"))
                .singleElement()
                .satisfies(row -> assertThat(row.subject()).contains("(17 tools)"))
                .satisfies(row ->
                        assertThat(row.result()).matches("p50 [\\d.]+ · p99 [\\d.]+ · max [\\d.]+ ms over 5 lists"));
        assertThat(rows)
                .filteredOn(row -> row.part().equals("OAuth (JMH)"))
                .hasSize(2)
                .allSatisfy(row -> assertThat(row.result()).matches("[\\d.]+ µs/op ± [\\d.]+"));
        assertThat(rows)
                .filteredOn(row -> row.part().equals("cold start"))
                .singleElement()
                .satisfies(row -> assertThat(row.result()).matches("median [\\d,]+ ms of 1 .*"));
    }

    @Test
    void whenAFlagIsUnknownThenTheErrorShowsTheUsage() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--sesions", "4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown flag: --sesions")
                .hasMessageContaining("Usage: bench/run");
    }

    @Test
    void whenPinIsGivenThenOnlyTheLoadPartMayRun() {
        assertThat(BenchOptions.parse("--pin", "--parts", "load").pin).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BenchOptions.parse("--pin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--pin applies to the load part only");
    }

    @Test
    void whenQuickIsGivenThenEveryPartIsShortened() {
        BenchOptions quick = BenchOptions.parse("--quick", "--sessions", "4,8");
        assertThat(quick.sessions).containsExactly(4, 8);
        assertThat(quick.porticoWarmUp).isEqualTo(Duration.ofSeconds(5));
        assertThat(quick.measured).isEqualTo(Duration.ofSeconds(3));
        assertThat(quick.settle).isEqualTo(Duration.ofSeconds(10));
        assertThat(quick.idleSessions).isEqualTo(2_000);
    }
}
