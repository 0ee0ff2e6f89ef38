package dev.portico.oauth.inbound;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer check in front of Portico's MCP endpoints (RFC 6750 §2.1 and §3; MCP authorization 2025-11-25, "Protected
 * Resource Metadata Discovery Requirements"): a request with a valid token in {@code Authorization: Bearer} passes as
 * its {@link InboundUser}; every other request is answered here.
 *
 * <ul>
 *   <li>No token: 401, {@code WWW-Authenticate: Bearer resource_metadata="<metadata URL>"} (and {@code scope} when
 *       scopes are required), no error code (RFC 6750 §3.1: the client did not try).
 *   <li>A refused token: 401 with {@code error="invalid_token"} and a short {@code error_description}.
 *   <li>A valid token without a required scope: 403 {@code error="insufficient_scope"}.
 *   <li>The identity provider's keys unavailable: 503 {@code temporarily_unavailable} with {@code Retry-After}.
 * </ul>
 *
 * <p>Each answer has a JSON body {@code {"error": ..., "error_description": ...}}. The token never reaches a log line.
 * Safe for concurrent use.
 */
public final class BearerAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticator.class);

    /** How much of a refused request's body is read so that the connection can be reused. */
    private static final long DRAIN_BYTES = 4L * 1024 * 1024;

    private final InboundTokenValidator validator;
    private final PorticoResource resource;
    private final List<String> requiredScopes;

    public BearerAuthenticator(InboundTokenValidator validator, PorticoResource resource, List<String> requiredScopes) {
        this.validator = Objects.requireNonNull(validator, "validator");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.requiredScopes = List.copyOf(requiredScopes);
    }

    /**
     * The user the request comes from; empty when the request was refused and answered.
     *
     * @param endpointPath the MCP endpoint whose metadata the challenge names ({@code /mcp} or {@code /sse})
     */
    public Optional<InboundUser> authenticate(
            HttpServletRequest request, HttpServletResponse response, String endpointPath) throws IOException {
        Optional<String> token = bearerToken(request.getHeader("Authorization"));
        if (token.isEmpty()) {
            refuse(request, response, endpointPath, Optional.empty());
            return Optional.empty();
        }
        try {
            return Optional.of(validator.validate(token.get()));
        } catch (InboundTokenException e) {
            LOG.debug("refused a bearer token on {}: {}", request.getRequestURI(), e.getMessage());
            refuse(request, response, endpointPath, Optional.of(e));
            return Optional.empty();
        }
    }

    /** The token of an {@code Authorization: Bearer} header; the scheme is case-insensitive (RFC 9110 §11.1). */
    static Optional<String> bearerToken(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = authorization.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    private void refuse(
            HttpServletRequest request,
            HttpServletResponse response,
            String endpointPath,
            Optional<InboundTokenException> problem)
            throws IOException {
        // A refusal that leaves the body unread makes Jetty close the connection under the client's next request.
        request.getInputStream().skip(DRAIN_BYTES);
        StringBuilder challenge = new StringBuilder("Bearer resource_metadata=\"")
                .append(resource.metadataUrl(endpointPath))
                .append('"');
        if (!requiredScopes.isEmpty()) {
            challenge
                    .append(", scope=\"")
                    .append(String.join(" ", requiredScopes))
                    .append('"');
        }
        int status = HttpServletResponse.SC_UNAUTHORIZED;
        String error = "unauthorized";
        String description = "Portico requires a bearer token; its protected resource metadata is at "
                + resource.metadataUrl(endpointPath);
        if (problem.isPresent()) {
            InboundTokenException.Error kind = problem.get().error();
            status = kind.status();
            error = kind.code();
            description = problem.get().getMessage();
            challenge
                    .append(", error=\"")
                    .append(error)
                    .append("\", error_description=\"")
                    .append(quotable(description))
                    .append('"');
            if (kind == InboundTokenException.Error.TEMPORARILY_UNAVAILABLE) {
                response.setHeader("Retry-After", "5");
            }
        }
        if (status != HttpServletResponse.SC_SERVICE_UNAVAILABLE) {
            response.setHeader("WWW-Authenticate", challenge.toString());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        byte[] bytes = JSONObjectUtils.toJSONString(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** RFC 6750 §3: {@code error_description} holds printable ASCII without {@code "} and {@code \}. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : ' ');
        }
        return out.toString();
    }
}
