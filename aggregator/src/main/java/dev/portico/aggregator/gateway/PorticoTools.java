package dev.portico.aggregator.gateway;

import dev.portico.aggregator.session.GatewaySession;
import dev.portico.aggregator.session.SessionUpstream;
import dev.portico.config.UpstreamConfig;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Portico's own tools and resources, shown to every session beside the upstreams': the sign-in state of each
 * upstream, and a sign-in tool for each upstream that asked for one.
 */
public final class PorticoTools {

    public static final String AUTH_STATUS_TOOL = "portico__auth_status";
    public static final String AUTH_STATUS_RESOURCE = "portico://auth/status";
    static final String AUTHENTICATE = "authenticate";

    private static final Map<String, Object> NO_ARGUMENTS = Map.of("type", "object", "properties", Map.of());

    private PorticoTools() {}

    /** The name of the sign-in tool of {@code upstream}. */
    public static String authenticateTool(UpstreamConfig upstream) {
        String prefix = upstream.toolPrefix().isEmpty() ? upstream.name() : upstream.toolPrefix();
        return prefix + UpstreamConfig.PREFIX_SEPARATOR + AUTHENTICATE;
    }

    static List<McpSchema.Tool> tools(GatewaySession session) {
        List<SessionUpstream> upstreams = session.upstreams();
        List<McpSchema.Tool> tools = new ArrayList<>();
        tools.add(McpSchema.Tool.builder(AUTH_STATUS_TOOL, NO_ARGUMENTS)
                .title("Sign-in status")
                .description("Shows, for each server behind Portico, whether it is connected, needs you to sign in, "
                        + "or is unavailable and why.")
                .annotations(new McpSchema.ToolAnnotations(null, true, false, true, false, null))
                .build());
        for (SessionUpstream upstream : upstreams) {
            if (upstream.state() == SessionUpstream.State.AUTH_REQUIRED) {
                tools.add(McpSchema.Tool.builder(authenticateTool(upstream.config()), NO_ARGUMENTS)
                        .title("Sign in to " + upstream.name())
                        .description("Server '" + upstream.name() + "' needs you to sign in before its tools appear. "
                                + "Call this to get a sign-in link.")
                        .build());
            }
        }
        return tools;
    }

    static List<McpSchema.Resource> resources() {
        return List.of(McpSchema.Resource.builder(AUTH_STATUS_RESOURCE, "auth-status")
                .title("Sign-in status")
                .description("Whether each server behind Portico is connected, needs sign-in, or is unavailable.")
                .mimeType("application/json")
                .build());
    }

    /** The upstream whose sign-in tool {@code toolName} is, if it is one. */
    static Optional<SessionUpstream> authenticateTarget(GatewaySession session, String toolName) {
        return session.upstreams().stream()
                .filter(u -> authenticateTool(u.config()).equals(toolName))
                .findFirst();
    }

    static List<Map<String, Object>> status(GatewaySession session) {
        List<Map<String, Object>> servers = new ArrayList<>();
        for (SessionUpstream upstream : session.upstreams()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("server", upstream.name());
            SessionUpstream.State state = upstream.state();
            entry.put(
                    "state",
                    switch (state) {
                        case READY -> "connected";
                        case AUTH_REQUIRED -> "auth_required";
                        case DOWN -> "error";
                        case IDLE, CONNECTING -> "connecting";
                        case CLOSED -> "closed";
                    });
            upstream.failure()
                    .filter(f -> state == SessionUpstream.State.DOWN || state == SessionUpstream.State.AUTH_REQUIRED)
                    .map(UpstreamFailure::message)
                    .ifPresent(reason -> entry.put("reason", reason));
            servers.add(entry);
        }
        return servers;
    }

    static McpSchema.CallToolResult statusResult(GatewaySession session) {
        List<Map<String, Object>> servers = status(session);
        return McpSchema.CallToolResult.builder()
                .addTextContent(json(servers))
                .structuredContent(Map.of("servers", servers))
                .build();
    }

    static McpSchema.ReadResourceResult statusResource(GatewaySession session) {
        return new McpSchema.ReadResourceResult(List.of(
                new McpSchema.TextResourceContents(AUTH_STATUS_RESOURCE, "application/json", json(status(session)))));
    }

    private static String json(Object value) {
        try {
            return McpJsonDefaults.getMapper().writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
