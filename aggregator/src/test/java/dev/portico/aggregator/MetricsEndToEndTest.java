package dev.portico.aggregator;

import static dev.portico.aggregator.SignInWorld.authUrl;
import static dev.portico.aggregator.SignInWorld.signIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.aggregator.demo.ProtectedDemoUpstream;
import dev.portico.aggregator.session.GatewaySession;
import dev.portico.aggregator.testing.Browser;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} scraped as Prometheus would, after real calls through Portico to a protected upstream that trusts
 * a real identity provider, all on loopback.
 */
class MetricsEndToEndTest {

    /** One sample line of the text exposition format: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\"\\\\n])*\",?)*})?"
                    + " (-?[0-9][0-9.eE+-]*|NaN|[+-]Inf)");

    private static final Pattern COMMENT =
            Pattern.compile("# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]*"
                    + " (counter|gauge|histogram|summary|untyped))");

    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SignInWorld world;

    @AfterEach
    void stop() {
        if (world != null) {
            world.close();
        }
    }

    @Test
    void whenASignedInSessionCallsThenTheCallAuthAndSessionMetersMoved() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        SignInWorld.Session session = world.session();
        await().atMost(SignInWorld.SIGN_IN_SETTLES)
                .until(() -> session.toolNames().contains("calendar__whoami"));

        McpSchema.CallToolResult challenge = session.call("calendar__whoami");
        URI link = authUrl(challenge);
        Browser.Page page = signIn(new Browser(), challenge);
        assertThat(page.status()).as("sign-in page: %s", page.body()).isEqualTo(200);
        await().atMost(SignInWorld.SIGN_IN_SETTLES)
                .until(() ->
                        !Boolean.TRUE.equals(session.call("calendar__whoami").isError()));
        assertThat(Clients.text(session.call("calendar__whoami"))).contains("hello demo-user");

        Scrape scrape = scrape();

        assertThat(scrape.value("portico_tool_calls_total", "outcome", "ok", "upstream", "calendar"))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("portico_tool_calls_total", "outcome", "unauthorized", "upstream", "calendar"))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("portico_tool_calls_total", "outcome", "error", "upstream", "calendar"))
                .isZero();
        assertThat(scrape.value("portico_tool_call_duration_seconds_count", "outcome", "ok", "upstream", "calendar"))
                .isEqualTo(scrape.value("portico_tool_calls_total", "outcome", "ok", "upstream", "calendar"));
        assertThat(scrape.value(
                        "portico_tool_call_duration_seconds_bucket",
                        "le",
                        "+Inf",
                        "outcome",
                        "ok",
                        "upstream",
                        "calendar"))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("portico_auth_events_total", "kind", "challenge_issued", "outcome", "ok"))
                .isGreaterThanOrEqualTo(1);
        assertThat(scrape.value("portico_auth_events_total", "kind", "callback", "outcome", "ok"))
                .isEqualTo(1);
        assertThat(scrape.value("portico_auth_events_total", "kind", "callback", "outcome", "failed"))
                .isZero();
        assertThat(scrape.value("portico_downstream_sessions", "transport", "streamable-http"))
                .isEqualTo(1);
        assertThat(scrape.value("portico_downstream_sessions", "transport", "sse"))
                .isZero();
        assertThat(scrape.value("portico_upstream_up", "upstream", "calendar")).isEqualTo(1);
        assertThat(scrape.value("portico_upstream_connections", "state", "ready", "upstream", "calendar"))
                .isEqualTo(1);
        assertThat(scrape.value("portico_store_entries", "store", "sessions")).isEqualTo(1);
        assertThat(scrape.value("portico_store_entries", "store", "tokens")).isEqualTo(1);
        assertThat(scrape.value("portico_store_evictions_total", "store", "tokens"))
                .isZero();
        assertThat(scrape.names())
                .contains(
                        "jvm_memory_used_bytes",
                        "jvm_gc_live_data_size_bytes",
                        "jvm_threads_live_threads",
                        "jvm_classes_loaded_classes",
                        "process_cpu_usage",
                        "process_uptime_seconds",
                        "jetty_connections_current_connections",
                        "jetty_threads_config_max");

        String sessionId = world.portico.gateway().sessions().stream()
                .map(GatewaySession::downstream)
                .map(downstream -> downstream.id())
                .findFirst()
                .orElseThrow();
        String startId = link.getPath().substring(link.getPath().lastIndexOf('/') + 1);
        assertThat(scrape.labelValues()).isNotEmpty().allSatisfy(value -> assertThat(value)
                .doesNotContain(sessionId)
                .doesNotContain(sessionId.substring(0, 8))
                .doesNotContain(startId)
                .doesNotContain("demo-user")
                .as("a JWT's encoded header")
                .doesNotContain("eyJ"));
    }

    @Test
    void whenTheUpstreamIsGoneThenTheCallCountsAsAnErrorAndTheUpstreamAsDown() throws Exception {
        world = new SignInWorld(idp -> {});
        ProtectedDemoUpstream calendar = world.upstream("calendar", u -> u.requireAuthOnlyForToolCalls(true));
        world.startPortico();
        SignInWorld.Session session = world.session();
        await().atMost(SignInWorld.SIGN_IN_SETTLES)
                .until(() -> session.toolNames().contains("calendar__whoami"));
        assertThat(scrape().value("portico_upstream_up", "upstream", "calendar"))
                .isEqualTo(1);

        calendar.close();
        McpSchema.CallToolResult failed = session.call("calendar__whoami");

        assertThat(failed.isError()).isTrue();
        Scrape scrape = scrape();
        assertThat(scrape.value("portico_tool_calls_total", "outcome", "error", "upstream", "calendar"))
                .isEqualTo(1);
        assertThat(scrape.value("portico_tool_call_duration_seconds_count", "outcome", "error", "upstream", "calendar"))
                .isEqualTo(1);
        assertThat(scrape.value("portico_upstream_up", "upstream", "calendar")).isZero();
        await().atMost(SignInWorld.SIGN_IN_SETTLES)
                .until(() -> scrape().value("portico_upstream_reconnects_total", "upstream", "calendar") >= 1);
    }

    @Test
    void whenMetricsAreDisabledThenTheEndpointIsNotFound() throws Exception {
        world = new SignInWorld(idp -> {});
        world.upstream("calendar", u -> {});
        world.porticoYaml("metrics:\n  enabled: false\n");
        world.startPortico();

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(world.portico.baseUri() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Scrapes {@code /metrics} and checks every line against the text exposition format. */
    private Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return Scrape.parse(response.body());
    }

    /** The samples of one scrape, keyed by name and labels as written ({@code name{a="x",b="y"}}). */
    private record Scrape(Map<String, Double> samples, List<String> labelValues) {

        static Scrape parse(String body) {
            assertThat(body).endsWith("\n");
            Map<String, Double> samples = new HashMap<>();
            List<String> labelValues = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("#")) {
                    assertThat(line).as("comment line").matches(COMMENT);
                    continue;
                }
                Matcher sample = SAMPLE.matcher(line);
                assertThat(sample.matches()).as("sample line: %s", line).isTrue();
                Map<String, String> labels = new TreeMap<>();
                Matcher label = LABEL.matcher(sample.group(2) == null ? "" : sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                labelValues.addAll(labels.values());
                samples.put(key(sample.group(1), labels), Double.parseDouble(sample.group(3)));
            }
            return new Scrape(samples, labelValues);
        }

        /** {@code name{a="x",b="y"}} with the labels in alphabetical order, or the bare name without labels. */
        private static String key(String name, Map<String, String> labels) {
            if (labels.isEmpty()) {
                return name;
            }
            StringJoiner joined = new StringJoiner(",", name + "{", "}");
            labels.forEach((label, value) -> joined.add(label + "=\"" + value + "\""));
            return joined.toString();
        }

        /** The value of {@code name} with exactly these labels, given as name, value pairs. */
        double value(String name, String... labels) {
            Map<String, String> wanted = new TreeMap<>();
            for (int i = 0; i < labels.length; i += 2) {
                wanted.put(labels[i], labels[i + 1]);
            }
            String key = key(name, wanted);
            Double value = samples.get(key);
            assertThat(value)
                    .as(
                            "sample %s among %s",
                            key,
                            samples.keySet().stream()
                                    .filter(k -> k.startsWith(name))
                                    .toList())
                    .isNotNull();
            return value;
        }

        List<String> names() {
            return samples.keySet().stream()
                    .map(key -> key.contains("{") ? key.substring(0, key.indexOf('{')) : key)
                    .distinct()
                    .toList();
        }
    }
}
