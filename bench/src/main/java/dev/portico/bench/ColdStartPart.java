package dev.portico.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Process start to a green {@code /readyz} for {@code portico demo --port 0}, several times, median reported. The demo
 * starts its two demo upstreams and demo identity provider too, so this is the slowest start Portico has.
 *
 * <p>With a launcher ({@code bench/run} passes the checkout's {@code ./portico}) it starts Portico as users do, with
 * the launcher's class-data archive, and the JVM flags go in {@code JAVA_OPTS}; one untimed {@code --version} first
 * lets the launcher record the archive if this build has none. Without one it runs {@code java <flags> -jar} (or the
 * driver's class path).
 */
final class ColdStartPart {

    static final double TARGET_MS = 1_500;

    /** The demo's banner names the MCP endpoint once Portico listens. */
    private static final Pattern BANNER = Pattern.compile("MCP endpoint \\(streamable HTTP\\):\\s+(http://\\S+)/mcp");

    private final BenchOptions options;

    ColdStartPart(BenchOptions options) {
        this.options = options;
    }

    void run(Report report) throws Exception {
        Files.createDirectories(options.logDirectory);
        if (options.porticoLauncher.isPresent()) {
            Progress.say(
                    "cold start: %s --version, so that the launcher has its class-data archive",
                    options.porticoLauncher.get());
            Process prepare = launcher("--version")
                    .redirectErrorStream(true)
                    .redirectOutput(options.logDirectory
                            .resolve("coldstart-prepare.log")
                            .toFile())
                    .start();
            if (prepare.waitFor() != 0) {
                throw new IllegalStateException("the launcher failed; see coldstart-prepare.log");
            }
        }
        HttpClient http = HttpClient.newHttpClient();
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < options.coldStarts; i++) {
            Progress.say("cold start %d of %d", i + 1, options.coldStarts);
            try (ChildJvm demo = startDemo(options.logDirectory.resolve("coldstart-" + i + ".log"))) {
                URI readyz =
                        URI.create(demo.awaitReady(PorticoChild.START_TIMEOUT).group(1) + "/readyz");
                HttpRequest request = HttpRequest.newBuilder(readyz).build();
                while (http.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        != 200) {
                    Thread.sleep(5);
                }
                starts.add((System.nanoTime() - demo.startedNanos()) / 1e6);
            }
        }
        Collections.sort(starts);
        double median = starts.get(starts.size() / 2);
        String how = options.porticoLauncher
                .map(Path::toString)
                .or(() -> options.porticoJar.map(jar -> "java -jar " + jar))
                .orElse("java -cp <class path>");
        String flags = options.porticoJvmFlags.isEmpty() ? "JVM defaults" : String.join(" ", options.porticoJvmFlags);
        if (options.porticoLauncher.isPresent()) {
            flags = "class-data archive, " + (options.porticoJvmFlags.isEmpty() ? "JVM defaults otherwise" : flags);
        }
        report.add(
                "cold start",
                Report.format("`%s demo --port 0` to /readyz 200 (%s)", how, flags),
                Report.format(
                        "median %,.0f ms of %d (min %,.0f, max %,.0f)",
                        median, starts.size(), starts.get(0), starts.get(starts.size() - 1)),
                "≤1.5 s",
                Report.met(median <= TARGET_MS));
    }

    private ChildJvm startDemo(Path log) throws IOException {
        if (options.porticoLauncher.isPresent()) {
            return ChildJvm.start(launcher("demo", "--port", "0"), log, BANNER);
        }
        return ChildJvm.start(
                options.porticoJvmFlags, PorticoChild.command(options, "demo", "--port", "0"), log, BANNER);
    }

    /** The launcher with {@code args}, the driver's JDK as its {@code JAVA_HOME} and the JVM flags as JAVA_OPTS. */
    private ProcessBuilder launcher(String... args) {
        List<String> command =
                new ArrayList<>(List.of(options.porticoLauncher.get().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", String.join(" ", options.porticoJvmFlags));
        return builder;
    }
}
