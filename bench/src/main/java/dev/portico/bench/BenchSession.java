package dev.portico.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One downstream MCP session opened by the load driver, initialized and ready for requests. Safe for one caller at a
 * time (the closed loop makes one call after another on each session).
 */
interface BenchSession extends AutoCloseable {

    /** Sends a JSON-RPC request and answers its {@code result}; a JSON-RPC error or a transport failure throws. */
    JsonNode request(String method, Map<String, Object> params) throws Exception;

    /** Calls {@code tool} with {@code {"text": text}}; true when the result echoes the text and is not an error. */
    default boolean echo(String tool, String text) throws Exception {
        JsonNode result = request("tools/call", Map.of("name", tool, "arguments", Map.of("text", text)));
        return !result.path("isError").asBoolean(false)
                && text.equals(result.path("content").path(0).path("text").asText(null));
    }

    /** Ends the session; never throws. */
    @Override
    void close();
}
