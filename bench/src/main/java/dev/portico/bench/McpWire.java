package dev.portico.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the driver's raw MCP sessions share: one {@code java.net.http} client (HTTP/1.1 keep-alive), one Jackson mapper
 * and the JSON-RPC ids. The driver speaks MCP itself rather than through the SDK's {@code McpClient} because the SDK
 * client builds one {@code HttpClient} (with its own selector thread) per session: with 256 sessions on two cores the
 * driver would measure itself. Safe for concurrent use.
 */
final class McpWire {

    static final String PROTOCOL_VERSION = "2025-06-18";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    final HttpClient http;
    final ObjectMapper json = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();

    McpWire() {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    long nextId() {
        return ids.incrementAndGet();
    }

    byte[] request(long id, String method, Map<String, Object> params) throws IOException {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("jsonrpc", "2.0");
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        return json.writeValueAsBytes(message);
    }

    byte[] notification(String method) throws IOException {
        return json.writeValueAsBytes(Map.of("jsonrpc", "2.0", "method", method));
    }

    static Map<String, Object> initializeParams() {
        return Map.of(
                "protocolVersion",
                PROTOCOL_VERSION,
                "capabilities",
                Map.of(),
                "clientInfo",
                Map.of("name", "portico-bench", "version", "1"));
    }

    /** The {@code result} of a JSON-RPC response, or an exception carrying its error. */
    static JsonNode result(JsonNode response) throws IOException {
        if (response.has("error")) {
            throw new IOException("JSON-RPC error " + response.get("error"));
        }
        return response.path("result");
    }
}
