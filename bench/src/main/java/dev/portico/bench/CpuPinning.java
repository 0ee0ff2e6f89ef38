package dev.portico.bench;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code --pin}: the driver and the upstream on CPU 0, Portico (and the forwarding proxy) on CPU 1, with Linux's
 * {@code taskset}. On a 2-core machine the load cases otherwise measure three processes competing for the same cores;
 * pinned, they measure what Portico costs when it has a core of its own, as it would on a host of its own.
 */
final class CpuPinning {

    static final String CLIENT_SIDE = "0";
    static final String MIDDLE = "1";

    private CpuPinning() {}

    /** Pins every thread {@code pid} has now (and so, by inheritance, those it starts later) to {@code cpus}. */
    static void pin(long pid, String cpus) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder(List.of("taskset", "-a", "-p", "-c", cpus, Long.toString(pid)))
                .redirectErrorStream(true)
                .start();
        String output = new String(taskset.getInputStream().readAllBytes());
        if (!taskset.waitFor(10, TimeUnit.SECONDS) || taskset.exitValue() != 0) {
            throw new IOException("taskset could not pin process " + pid + " to CPU " + cpus + ": " + output.trim());
        }
    }
}
