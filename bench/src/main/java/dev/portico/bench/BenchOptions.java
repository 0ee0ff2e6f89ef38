package dev.portico.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver's settings, from its flags. The defaults are the full run documented in docs/performance.md;
 * {@code --quick} shortens every part. Filled in once by {@link #parse} (or by a test) before the run starts.
 */
final class BenchOptions {

    static final Set<String> ALL_PARTS = Set.of("load", "memory", "catalog", "jmh", "coldstart");

    static final String USAGE =
            """
            Usage: bench/run [--quick] [--pin] [--parts load,memory,catalog,jmh,coldstart] [--sessions 1,16,64,256]
                             [--portico-warmup SECONDS] [--warmup SECONDS] [--settle SECONDS] [--duration SECONDS]
                             [--idle-sessions N]
                             [--catalog-calls N] [--cold-starts N] [--portico-jar FILE] [--portico-jvm-flags "FLAGS"]
                             [--logs DIR] [--portico-launcher FILE]""";

    /** JMH iterations: warm-up and measured iterations of {@code iteration} each, in {@code forks} fresh JVMs. */
    record JmhSettings(int forks, int warmUpIterations, int iterations, Duration iteration) {}

    Set<String> parts = new TreeSet<>(ALL_PARTS);
    List<Integer> sessions = List.of(1, 16, 64, 256);
    /** Once, before the first load case: calls through Portico over both transports, to get its JIT work done. */
    Duration porticoWarmUp = Duration.ofSeconds(45);
    /** Before each load case, with that case's sessions; not measured. */
    Duration warmUp = Duration.ofSeconds(3);
    /** Load part only: the driver and the upstream on CPU 0, Portico and the proxy on CPU 1 ({@link CpuPinning}). */
    boolean pin;
    /** The longest a load case runs before its measurement while the JIT compilers are still busy. */
    Duration settle = Duration.ofSeconds(60);

    Duration measured = Duration.ofSeconds(10);
    int idleSessions = 10_000;
    int catalogUpstreams = 100;
    int catalogTools = 50;
    int catalogCalls = 200;
    JmhSettings jmh = new JmhSettings(1, 3, 5, Duration.ofSeconds(1));
    int coldStarts = 5;
    /** Portico runs from this shaded jar, or else from the driver's class path. */
    Optional<Path> porticoJar = Optional.empty();

    List<String> porticoJvmFlags = List.of();
    /** The cold-start part runs Portico with this launcher (the checkout's {@code ./portico}), as users do. */
    Optional<Path> porticoLauncher = Optional.empty();

    Path logDirectory = Path.of("bench", "target", "bench-logs");

    static BenchOptions parse(String... args) {
        BenchOptions options = new BenchOptions();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--quick")) {
                options.quick();
                continue;
            }
            if (flag.equals("--pin")) {
                options.pin = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown flag or missing value: " + flag + "\n" + USAGE);
            }
            options.set(flag, args[++i]);
        }
        if (options.pin && !options.parts.equals(Set.of("load"))) {
            // The driver stays pinned for the rest of the run, and the catalog part runs Portico inside it.
            throw new IllegalArgumentException("--pin applies to the load part only: add --parts load\n" + USAGE);
        }
        return options;
    }

    private void set(String flag, String value) {
        switch (flag) {
            case "--parts" -> parts = parts(value);
            case "--sessions" -> sessions = Arrays.stream(value.split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .toList();
            case "--portico-warmup" -> porticoWarmUp = seconds(value);
            case "--warmup" -> warmUp = seconds(value);
            case "--settle" -> settle = seconds(value);
            case "--duration" -> measured = seconds(value);
            case "--idle-sessions" -> idleSessions = Integer.parseInt(value);
            case "--catalog-calls" -> catalogCalls = Integer.parseInt(value);
            case "--cold-starts" -> coldStarts = Integer.parseInt(value);
            case "--portico-jar" -> porticoJar = Optional.of(Path.of(value));
            case "--portico-jvm-flags" -> porticoJvmFlags =
                    value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
            case "--logs" -> logDirectory = Path.of(value);
            case "--portico-launcher" -> porticoLauncher = Optional.of(Path.of(value));
            default -> throw new IllegalArgumentException("unknown flag: " + flag + "\n" + USAGE);
        }
    }

    /**
     * Every part, shortened: a 5 s warm-up of Portico, 1 s warm-up and 3 s per load case, 2,000 idle sessions, short
     * JMH iterations.
     */
    void quick() {
        porticoWarmUp = Duration.ofSeconds(5);
        warmUp = Duration.ofSeconds(1);
        settle = Duration.ofSeconds(10);
        measured = Duration.ofSeconds(3);
        idleSessions = 2_000;
        catalogCalls = 50;
        jmh = new JmhSettings(1, 2, 3, Duration.ofSeconds(1));
        coldStarts = 3;
    }

    private static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }

    private static Set<String> parts(String list) {
        Set<String> chosen = new TreeSet<>(Arrays.asList(list.split(",")));
        List<String> unknown = new ArrayList<>(chosen);
        unknown.removeAll(ALL_PARTS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown part(s) " + unknown + "; the parts are " + ALL_PARTS);
        }
        return chosen;
    }
}
