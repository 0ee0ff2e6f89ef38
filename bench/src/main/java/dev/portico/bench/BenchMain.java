package dev.portico.bench;

/**
 * The Portico benchmark (issue 7): runs the parts chosen by the flags and prints one Markdown table on stdout, progress
 * on stderr. Started by {@code bench/run}; see docs/performance.md for what each part measures and the targets.
 */
public final class BenchMain {

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report = run(options);
        report.print(System.out);
        System.exit(0);
    }

    /** Runs every part {@code options} names, in a fixed order. */
    static Report run(BenchOptions options) throws Exception {
        Report report = new Report();
        if (options.parts.contains("load")) {
            new LoadPart(options).run(report);
        }
        if (options.parts.contains("memory")) {
            new MemoryPart(options).run(report);
        }
        if (options.parts.contains("catalog")) {
            new CatalogPart(options).run(report);
        }
        if (options.parts.contains("jmh")) {
            new JmhPart(options).run(report);
        }
        if (options.parts.contains("coldstart")) {
            new ColdStartPart(options).run(report);
        }
        return report;
    }
}
