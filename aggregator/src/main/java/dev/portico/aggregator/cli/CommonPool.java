package dev.portico.aggregator.cli;

/**
 * Keeps the JDK's common fork-join pool usable on small machines. With two CPUs its parallelism is 1, and {@code
 * CompletableFuture} then runs every async step on a thread of its own; {@code java.net.http}, which the MCP SDK's
 * upstream transports use, hands each response to that default executor, so every request to an upstream started two
 * threads (docs/performance.md: 2,246 thread starts in one benchmark run, 209 with this). Must run before anything
 * touches the common pool; an explicit {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism} wins.
 */
final class CommonPool {

    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /** The smallest parallelism at which CompletableFuture uses the common pool rather than a thread per task. */
    private static final int MINIMUM = 2;

    private CommonPool() {}

    static void ensureParallelism() {
        if (System.getProperty(PARALLELISM) == null && Runtime.getRuntime().availableProcessors() <= MINIMUM) {
            System.setProperty(PARALLELISM, Integer.toString(MINIMUM));
        }
    }
}
