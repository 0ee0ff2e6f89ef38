package dev.portico.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Process start to a green {@code /readyz} for {@code portico demo --port 0}, several times, median reported. The demo
 * starts its two demo upstreams and demo identity provider too, so this is the slowest start Portico has.
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
        HttpClient http = HttpClient.newHttpClient();
        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < options.coldStarts; i++) {
            Progress.say("cold start %d of %d", i + 1, options.coldStarts);
            try (ChildJvm demo = ChildJvm.start(
                    options.porticoJvmFlags,
                    PorticoChild.command(options, "demo", "--port", "0"),
                    options.logDirectory.resolve("coldstart-" + i + ".log"),
                    BANNER)) {
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
        String how = options.porticoJar.map(jar -> "java -jar " + jar).orElse("java -cp <class path>");
        String flags = options.porticoJvmFlags.isEmpty() ? "JVM defaults" : String.join(" ", options.porticoJvmFlags);
        report.add(
                "cold start",
                Report.format("`%s demo --port 0` to /readyz 200 (%s)", how, flags),
                Report.format(
                        "median %,.0f ms of %d (min %,.0f, max %,.0f)",
                        median, starts.size(), starts.get(0), starts.get(starts.size() - 1)),
                "≤1.5 s",
                Report.met(median <= TARGET_MS));
    }
}
