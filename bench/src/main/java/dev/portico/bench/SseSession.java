package dev.portico.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A downstream session over the legacy HTTP+SSE transport: one long GET whose events carry the message endpoint and
 * then every response, and a POST per request to that endpoint. A reader thread per session hands each response to
 * the request waiting for its id.
 */
final class SseSession implements BenchSession {

    private final McpWire wire;
    private final InputStream stream;
    private final CompletableFuture<URI> messageEndpoint = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private SseSession(McpWire wire, InputStream stream) {
        this.wire = wire;
        this.stream = stream;
    }

    /** Opens the event stream at {@code sseEndpoint} (e.g. {@code /sse}) and initializes the session. */
    static SseSession open(McpWire wire, URI sseEndpoint) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(sseEndpoint)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<InputStream> response = wire.http.send(get, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode() + " from " + sseEndpoint);
        }
        SseSession session = new SseSession(wire, response.body());
        Thread reader = new Thread(() -> session.read(sseEndpoint), "bench-sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            session.messageEndpoint.get(McpWire.REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            session.request("initialize", McpWire.initializeParams());
            session.post(wire.notification("notifications/initialized"));
        } catch (Exception e) {
            session.close();
            throw e;
        }
        return session;
    }

    @Override
    public JsonNode request(String method, Map<String, Object> params) throws Exception {
        long id = wire.nextId();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            post(wire.request(id, method, params));
            return McpWire.result(answer.get(McpWire.REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        } finally {
            pending.remove(id);
        }
    }

    private void post(byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(messageEndpoint.get())
                .timeout(McpWire.REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<Void> response = wire.http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
        }
    }

    /** Reads events until the stream ends: {@code endpoint} once, then {@code message} events with responses. */
    private void read(URI sseEndpoint) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String event = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    dispatch(sseEndpoint, event, data.toString());
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring("event:".length()).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring("data:".length()).trim());
                }
            }
        } catch (IOException e) {
            // Closed by close(), or the server went away: whoever waits fails below.
        }
        IOException ended = new IOException("event stream ended");
        messageEndpoint.completeExceptionally(ended);
        pending.values().forEach(waiting -> waiting.completeExceptionally(ended));
    }

    private void dispatch(URI sseEndpoint, String event, String data) throws IOException {
        if (data.isEmpty()) {
            return;
        }
        if (event.equals("endpoint")) {
            messageEndpoint.complete(sseEndpoint.resolve(data));
            return;
        }
        JsonNode message = wire.json.readTree(data);
        CompletableFuture<JsonNode> waiting = pending.get(message.path("id").asLong(-1));
        if (waiting != null) {
            waiting.complete(message);
        }
    }

    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException e) {
            // Closing is all that is left to do.
        }
    }
}
