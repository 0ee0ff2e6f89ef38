package dev.portico.transport.downstream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;

/**
 * One message from a client (a POSTed body or a stdio line), checked against JSON-RPC 2.0 before the SDK sees it.
 *
 * <p>The SDK's HTTP servlets answer a body they cannot deserialize with 400 or 500 and, as the body, the Java
 * exception serialized field by field (stack trace included); they also accept any {@code jsonrpc} version. Checking
 * here lets Portico answer as JSON-RPC 2.0 §5.1 says: {@code -32700} for a body that is not JSON, {@code -32600} for
 * JSON that is not one JSON-RPC message (batches included: MCP dropped them in 2025-06-18), with the request's id
 * when it can be read and {@code null} otherwise.
 */
final class InboundMessage {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INTERNAL_ERROR = -32603;

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Refusal refusal;
    private final JsonNode id;

    private InboundMessage(Refusal refusal, JsonNode id) {
        this.refusal = refusal;
        this.id = id;
    }

    /** Why a body was refused: the JSON-RPC error to send, with the id it answers ({@code null} if unknown). */
    record Refusal(int code, String message, JsonNode id) {}

    /** Parses and checks one POSTed body or stdio line. */
    static InboundMessage of(byte[] body) {
        JsonNode message;
        try {
            message = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return refused(new Refusal(PARSE_ERROR, "Parse error: the body is not JSON", null));
        } catch (IOException e) {
            return refused(new Refusal(PARSE_ERROR, "Parse error: the body could not be read", null));
        }
        JsonNode id = message == null ? null : message.get("id");
        JsonNode usableId = id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null;
        return new InboundMessage(check(message).orElse(null), usableId);
    }

    private static InboundMessage refused(Refusal refusal) {
        return new InboundMessage(refusal, null);
    }

    /** Why the body is not a single, well-formed JSON-RPC 2.0 message; empty if it is one. */
    Optional<Refusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    /**
     * The message's id if it is a string or an integer (a request, or a client's response), else null (a
     * notification, or no usable id).
     */
    JsonNode id() {
        return id;
    }

    private static Optional<Refusal> check(JsonNode message) {
        if (message == null || message.isMissingNode()) {
            return Optional.of(new Refusal(PARSE_ERROR, "Parse error: the body is empty", null));
        }
        if (message.isArray()) {
            return Optional.of(
                    new Refusal(INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not supported", null));
        }
        if (!message.isObject()) {
            return Optional.of(new Refusal(INVALID_REQUEST, "Invalid Request: not a JSON-RPC message", null));
        }
        JsonNode id = message.get("id");
        boolean usableId = id != null && (id.isTextual() || id.isIntegralNumber());
        JsonNode answerId = usableId ? id : null;
        if (!"2.0".equals(message.path("jsonrpc").textValue())) {
            return Optional.of(new Refusal(INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"", answerId));
        }
        if (message.has("method")) {
            if (!message.get("method").isTextual()) {
                return Optional.of(
                        new Refusal(INVALID_REQUEST, "Invalid Request: \"method\" must be a string", answerId));
            }
            if (id != null && !usableId) {
                // MCP: a request id is a string or an integer, never null.
                return Optional.of(
                        new Refusal(INVALID_REQUEST, "Invalid Request: \"id\" must be a string or an integer", null));
            }
            return Optional.empty();
        }
        if (message.has("result") || message.has("error")) {
            return Optional.empty(); // a client's answer to a request Portico forwarded (sampling, elicitation, roots)
        }
        return Optional.of(new Refusal(
                INVALID_REQUEST, "Invalid Request: neither \"method\" nor \"result\" nor \"error\"", answerId));
    }

    /** A JSON-RPC 2.0 error response; {@code id} null becomes the JSON {@code null} id. */
    static String errorResponse(int code, String message, JsonNode id) {
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        response.putObject("error").put("code", code).put("message", message);
        return response.toString();
    }
}
