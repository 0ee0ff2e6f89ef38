package dev.portico.aggregator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bearer-token gate in front of a {@link ProtectedDemoUpstream}'s MCP endpoint (MCP authorization 2025-11-25,
 * "Access Token Usage"; RFC 6750 §3; RFC 9728 §5.1).
 *
 * <p>A request without a valid token gets 401 with {@code WWW-Authenticate: Bearer resource_metadata="..."} naming the
 * upstream's protected-resource metadata, its scopes, and, when a token was presented, {@code error="invalid_token"}.
 * A valid token's subject is left in the request attribute {@link ProtectedDemoUpstream#SUBJECT_ATTRIBUTE} for the
 * tools.
 *
 * <p>When only tool calls are protected, the body of each POST is read to find the JSON-RPC method and replayed to
 * the MCP servlet; everything but {@code tools/call} passes without a token, so that a client can connect and list
 * tools and meet the 401 only when it calls one.
 *
 * <p>A tool that requires a scope of its own is refused to a valid token without that scope with 403 and {@code
 * WWW-Authenticate: Bearer error="insufficient_scope"} whose {@code scope} lists the upstream's scopes plus the one
 * missing (RFC 6750 §3.1; MCP authorization, "Runtime Insufficient Scope Errors").
 */
final class ProtectedResourceFilter extends HttpFilter {

    private static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private final ProtectedTokenValidator validator;
    private final URI resourceMetadataUrl;
    private final List<String> scopes;
    private final boolean onlyToolCalls;
    private final Map<String, String> toolScopes;

    /** @param toolScopes the scope each listed tool requires beyond a valid token */
    ProtectedResourceFilter(
            ProtectedTokenValidator validator,
            URI resourceMetadataUrl,
            List<String> scopes,
            boolean onlyToolCalls,
            Map<String, String> toolScopes) {
        this.validator = validator;
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.scopes = List.copyOf(scopes);
        this.onlyToolCalls = onlyToolCalls;
        this.toolScopes = Map.copyOf(toolScopes);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest forwarded = request;
        byte[] body = null;
        if (onlyToolCalls && !"POST".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if ((onlyToolCalls || !toolScopes.isEmpty()) && "POST".equals(request.getMethod())) {
            body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                return;
            }
            forwarded = new ProtectedRequestBody(request, body);
            if (onlyToolCalls && !callsTool(body)) {
                chain.doFilter(forwarded, response);
                return;
            }
        }
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            challenge(request, response, Optional.empty());
            return;
        }
        ProtectedTokenValidator.Outcome outcome =
                validator.validate(authorization.substring(7).trim());
        if (outcome.keysUnavailable()) {
            DemoHttp.oauthError(
                    response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable", outcome.problem());
            return;
        }
        if (outcome.subject().isEmpty()) {
            challenge(request, response, Optional.of(outcome.problem()));
            return;
        }
        Optional<String> missing = body == null ? Optional.empty() : missingScope(body, outcome.scopes());
        if (missing.isPresent()) {
            insufficientScope(response, missing.get());
            return;
        }
        forwarded.setAttribute(
                ProtectedDemoUpstream.SUBJECT_ATTRIBUTE, outcome.subject().get());
        chain.doFilter(forwarded, response);
    }

    /** 401 with the RFC 6750 challenge; {@code problem} is present when a token was presented and refused. */
    private void challenge(HttpServletRequest request, HttpServletResponse response, Optional<String> problem)
            throws IOException {
        // A refusal that leaves the body unread makes Jetty close the connection, and a client that reuses it for
        // its next request (as java.net.http does) sees it end without an answer.
        request.getInputStream().skip(MAX_BODY_BYTES);
        StringBuilder header = new StringBuilder("Bearer resource_metadata=\"")
                .append(resourceMetadataUrl)
                .append('"');
        if (!scopes.isEmpty()) {
            header.append(", scope=\"").append(String.join(" ", scopes)).append('"');
        }
        problem.ifPresent(p -> header.append(", error=\"invalid_token\", error_description=\"")
                .append(quotable(p))
                .append('"'));
        response.setHeader("WWW-Authenticate", header.toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", problem.isPresent() ? "invalid_token" : "unauthorized");
        body.put(
                "error_description",
                problem.orElse("this MCP server requires a bearer token; see " + resourceMetadataUrl));
        DemoHttp.json(response, HttpServletResponse.SC_UNAUTHORIZED, body);
    }

    /** 403 naming every scope the upstream wants for this call: its own and the tool's. */
    private void insufficientScope(HttpServletResponse response, String needed) throws IOException {
        List<String> wanted = new ArrayList<>(scopes);
        if (!wanted.contains(needed)) {
            wanted.add(needed);
        }
        response.setHeader(
                "WWW-Authenticate",
                "Bearer error=\"insufficient_scope\", scope=\"" + String.join(" ", wanted)
                        + "\", resource_metadata=\"" + resourceMetadataUrl + "\", error_description=\"this tool needs"
                        + " scope " + quotable(needed) + "\"");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "insufficient_scope");
        body.put("error_description", "this tool needs scope " + needed);
        DemoHttp.json(response, HttpServletResponse.SC_FORBIDDEN, body);
    }

    /** The scope a tool called in {@code body} requires and {@code held} lacks, if any. */
    private Optional<String> missingScope(byte[] body, Set<String> held) {
        try {
            JsonNode json = DemoHttp.JSON.readTree(body);
            if (json == null) {
                return Optional.empty();
            }
            for (JsonNode message : json.isArray() ? json : List.of(json)) {
                if (isToolCall(message)) {
                    String tool = message.path("params").path("name").asText("");
                    String needed = toolScopes.get(tool);
                    if (needed != null && !held.contains(needed)) {
                        return Optional.of(needed);
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Whether a JSON-RPC message (or batch) calls a tool. Unparseable bodies are left to the MCP servlet to refuse. */
    private static boolean callsTool(byte[] body) {
        try {
            JsonNode json = DemoHttp.JSON.readTree(body);
            if (json == null) {
                return false;
            }
            if (json.isArray()) {
                for (JsonNode message : json) {
                    if (isToolCall(message)) {
                        return true;
                    }
                }
                return false;
            }
            return isToolCall(json);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isToolCall(JsonNode message) {
        JsonNode method = message.get("method");
        return method != null && "tools/call".equals(method.textValue());
    }

    /** RFC 6750 §3: error_description is limited to printable ASCII without '"' and '\'. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : ' ');
        }
        return out.toString();
    }
}
