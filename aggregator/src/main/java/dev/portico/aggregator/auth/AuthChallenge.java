package dev.portico.aggregator.auth;

import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an MCP client is told when a call needs the user to sign in: the upstream, Portico's own start link (never
 * the authorization server's URL, which carries the PKCE challenge), and a sentence for humans.
 *
 * @param expiresAt when the link stops working; after it a new challenge is made
 * @param flowId names this sign-in to the client: the {@code elicitationId} when it is shown as a URL elicitation
 */
public record AuthChallenge(String server, URI authUrl, String message, Instant expiresAt, String flowId) {

    public static final String STATUS = "auth_required";

    /** The challenge as a tool result: an error, so the model knows the call did not happen. */
    public McpSchema.CallToolResult toToolResult() {
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("status", STATUS);
        structured.put("auth_url", authUrl.toString());
        structured.put("server", server);
        structured.put("message", message);
        return McpSchema.CallToolResult.builder()
                .isError(true)
                .addTextContent(message + " Open this link to sign in, then try again: " + authUrl)
                .structuredContent(structured)
                .build();
    }

    public boolean expired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
