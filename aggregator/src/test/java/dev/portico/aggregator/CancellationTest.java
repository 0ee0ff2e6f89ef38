package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portico.config.ConfigLoader;
import dev.portico.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A client's {@code notifications/cancelled} reaches the upstream as a cancellation of the forwarded request. The
 * SDK client cannot send cancellations, so this test speaks streamable HTTP itself.
 */
class CancellationTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void whenTheClientCancelsACallThenTheUpstreamIsToldToCancelItsRequest() throws Exception {
        try (TestUpstream upstream = TestUpstream.streamable("slowpoke");
                Portico portico = Portico.startHttp(new ConfigLoader(name -> null)
                        .parse(
                                """
                                server: {port: 0}
                                upstreams:
                                  - name: slow
                                    transport: streamable-http
                                    url: %s
                                """
                                        .formatted(upstream.url()),
                                "test"))) {
            URI mcp = URI.create(portico.baseUri() + "/mcp");
            HttpResponse<String> init = post(
                    mcp,
                    null,
                    """
                    {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                     "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""");
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            post(mcp, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            CompletableFuture<HttpResponse<String>> call = http.sendAsync(
                    request(
                            mcp,
                            session,
                            """
                            {"jsonrpc":"2.0","id":7,"method":"tools/call",
                             "params":{"name":"slow__slow","arguments":{"millis":60000}}}"""),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10))
                    .pollDelay(Duration.ofMillis(300))
                    .until(() -> {
                        post(
                                mcp,
                                session,
                                """
                        {"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7,"reason":"user"}}""");
                        return upstream.sawCancellation();
                    });
            assertThat(upstream.sawCancellation()).isTrue();
            assertThat(call.get().body()).doesNotContain("slept");
        }
    }

    private HttpResponse<String> post(URI uri, String session, String body) throws Exception {
        return http.send(request(uri, session, body), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(URI uri, String session, String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder.build();
    }
}
