package dev.portico.aggregator.gateway;

import dev.portico.aggregator.auth.SignOut;
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
    public static final String LOGOUT_TOOL = "portico__logout";
    static final String ALL_SERVERS = "all";
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
        tools.add(logoutTool(upstreams));
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

    private static McpSchema.Tool logoutTool(List<SessionUpstream> upstreams) {
        List<String> choices = new ArrayList<>();
        upstreams.forEach(u -> choices.add(u.name()));
        choices.add(ALL_SERVERS);
        Map<String, Object> server = Map.of(
                "type",
                "string",
                "enum",
                choices,
                "description",
                "The server whose sign-in to end (every server of the same sign-in service is signed"
                        + " out with it), or \"all\".");
        Map<String, Object> input =
                Map.of("type", "object", "properties", Map.of("server", server), "required", List.of("server"));
        return McpSchema.Tool.builder(LOGOUT_TOOL, input)
                .title("Sign out")
                .description("Signs this session out of a server behind Portico, or of all of them: the tokens are"
                        + " forgotten and revoked, and the server asks for a new sign-in before its next call.")
                .annotations(new McpSchema.ToolAnnotations(null, false, true, true, false, null))
                .build();
    }

    /** The {@code server} argument of the sign-out tool: empty for every server. */
    static Optional<String> logoutTarget(Map<String, Object> arguments) {
        Object server = arguments == null ? null : arguments.get("server");
        if (!(server instanceof String) || ((String) server).isBlank()) {
            throw new IllegalArgumentException("give the server to sign out of, or \"all\"");
        }
        return ALL_SERVERS.equals(server) ? Optional.empty() : Optional.of((String) server);
    }

    static McpSchema.CallToolResult signedOut(Optional<String> server, SignOut result) {
        String what = server.map(name -> "'" + name + "'").orElse("every server");
        StringBuilder text = new StringBuilder();
        if (result.issuers().isEmpty()) {
            text.append("This session held no sign-in for ").append(what).append('.');
        } else {
            text.append("Signed out of ")
                    .append(String.join(", ", result.issuers()))
                    .append('.');
            if (!result.upstreams().isEmpty()) {
                text.append(" Sign in again to use ")
                        .append(String.join(", ", result.upstreams()))
                        .append('.');
            }
        }
        result.problems().forEach(problem -> text.append(' ').append(problem));
        Map<String, Object> structured = new LinkedHashMap<>();
        structured.put("issuers", result.issuers());
        structured.put("servers", result.upstreams());
        structured.put("problems", result.problems());
        return McpSchema.CallToolResult.builder()
                .addTextContent(text.toString())
                .structuredContent(structured)
                .build();
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
