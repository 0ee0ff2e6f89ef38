package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.testing.RawHttp;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6, item 3, for the listener: {@code limits.maxRequestBytes} on every MCP POST endpoint, {@code
 * limits.maxRequestHeaderBytes}, and {@code limits.idleTimeout} against a client that sends half a request and stalls.
 * The limits are set far below their defaults so that the test is quick; the idle timeout below the minimum the
 * config file accepts, which only protects event streams this test does not open.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListenerLimitsEndToEndTest {

    private static final int MAX_REQUEST_BYTES = 2048;
    private static final int MAX_REQUEST_HEADER_BYTES = 4096;

    private Portico portico;
    private URI base;

    @BeforeAll
    void start() throws Exception {
        PorticoConfig config = new ConfigLoader(name -> null).parse("server: {port: 0}\n", "test");
        portico = Portico.startHttp(config.withLimits(
                config.limits().withListener(MAX_REQUEST_BYTES, MAX_REQUEST_HEADER_BYTES, Duration.ofMillis(500))));
        base = portico.baseUri();
    }

    @AfterAll
    void stop() {
        portico.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/mcp", "/message?sessionId=any", "/sse"})
    void whenABodyIsOverTheLimitThen413WithAJsonRpcError(String target) {
        RawHttp.Response answer = RawHttp.postJson(base, target, message(MAX_REQUEST_BYTES + 1));

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.body())
                .contains("\"code\":-32600")
                .contains("Request body larger than " + MAX_REQUEST_BYTES + " bytes");
    }

    @Test
    void whenABodyIsWithinTheLimitThenItIsServed() {
        RawHttp.Response answer = RawHttp.postJson(base, "/mcp", message(MAX_REQUEST_BYTES));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"protocolVersion\"");
    }

    @Test
    void whenTheHeadersAreOverTheLimitThen431() {
        RawHttp.Response answer = RawHttp.raw(
                base,
                "GET /healthz HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nX-Padding: "
                        + "x".repeat(MAX_REQUEST_HEADER_BYTES) + "\r\nConnection: close\r\n\r\n");

        assertThat(answer.status()).isEqualTo(431);
    }

    @Test
    void whenAClientSendsHalfARequestAndStallsThenItIsDisconnectedAndOthersAreServed() {
        String sent = RawHttp.sendAndStall(base, "GET /healthz HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nX-Slo");

        assertThat(sent).as("nothing but, perhaps, an error status").doesNotContain("200 OK");
        assertThat(RawHttp.get(base, "/healthz", java.net.InetAddress.getLoopbackAddress())
                        .status())
                .isEqualTo(200);
    }

    /** An {@code initialize} request padded to exactly {@code bytes}. */
    private static byte[] message(int bytes) {
        String head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"limits-test\",\"version\":\"1\"},"
                + "\"padding\":\"";
        String tail = "\"}}";
        String padding = "x".repeat(bytes - head.length() - tail.length());
        byte[] message = (head + padding + tail).getBytes(StandardCharsets.UTF_8);
        assertThat(message).hasSize(bytes);
        return message;
    }
}
