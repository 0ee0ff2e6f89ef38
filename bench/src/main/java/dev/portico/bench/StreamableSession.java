package dev.portico.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/** A downstream session over MCP streamable HTTP: every request a POST, its answer JSON or a one-event SSE stream. */
final class StreamableSession implements BenchSession {

    private final McpWire wire;
    private final URI endpoint;
    private final String sessionId;

    private StreamableSession(McpWire wire, URI endpoint, String sessionId) {
        this.wire = wire;
        this.endpoint = endpoint;
        this.sessionId = sessionId;
    }

    /** Initializes a session (initialize, then notifications/initialized) at {@code endpoint}, e.g. {@code /mcp}. */
    static StreamableSession open(McpWire wire, URI endpoint) throws Exception {
        long id = wire.nextId();
        HttpResponse<String> response =
                post(wire, endpoint, null, wire.request(id, "initialize", McpWire.initializeParams()));
        String sessionId = response.headers()
                .firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IOException("no Mcp-Session-Id from " + endpoint));
        StreamableSession session = new StreamableSession(wire, endpoint, sessionId);
        McpWire.result(session.answer(response, id));
        HttpResponse<String> initialized =
                post(wire, endpoint, sessionId, wire.notification("notifications/initialized"));
        if (initialized.statusCode() / 100 != 2) {
            throw new IOException("notifications/initialized: HTTP " + initialized.statusCode());
        }
        return session;
    }

    @Override
    public JsonNode request(String method, Map<String, Object> params) throws Exception {
        long id = wire.nextId();
        HttpResponse<String> response = post(wire, endpoint, sessionId, wire.request(id, method, params));
        return McpWire.result(answer(response, id));
    }

    /**
     * Sends a request and answers the length of the response body, without parsing it: for timing answers so large
     * that parsing them would time the driver too.
     */
    int requestUnparsed(String method, Map<String, Object> params) throws Exception {
        long id = wire.nextId();
        HttpResponse<String> response = post(wire, endpoint, sessionId, wire.request(id, method, params));
        if (response.statusCode() != 200 || !response.body().contains("\"id\":" + id)) {
            throw new IOException(
                    "no answer to request " + id + " from " + endpoint + ": HTTP " + response.statusCode());
        }
        return response.body().length();
    }

    private static HttpResponse<String> post(McpWire wire, URI endpoint, String sessionId, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(McpWire.REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (sessionId != null) {
            request.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", McpWire.PROTOCOL_VERSION);
        }
        return wire.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The response to request {@code id}: the body itself, or the SSE event that carries it. */
    private JsonNode answer(HttpResponse<String> response, long id) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " from " + endpoint + ": " + response.body());
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) {
            return wire.json.readTree(response.body());
        }
        for (String line : response.body().split("\n")) {
            if (line.startsWith("data:")) {
                JsonNode message =
                        wire.json.readTree(line.substring("data:".length()).trim());
                if (message.path("id").asLong(-1) == id) {
                    return message;
                }
            }
        }
        throw new IOException("no response to request " + id + " in the event stream from " + endpoint);
    }

    @Override
    public void close() {
        HttpRequest delete = HttpRequest.newBuilder(endpoint)
                .timeout(McpWire.REQUEST_TIMEOUT)
                .header("Mcp-Session-Id", sessionId)
                .header("MCP-Protocol-Version", McpWire.PROTOCOL_VERSION)
                .DELETE()
                .build();
        try {
            wire.http.send(delete, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // The session ends with the server anyway; nothing to report in a benchmark.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
