package dev.portico.oauth.inbound;

import com.nimbusds.jose.util.JSONObjectUtils;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Portico's own OAuth 2.0 Protected Resource Metadata (RFC 9728 §3) for one resource: where MCP clients learn which
 * authorization server issues the tokens Portico accepts. Mounted at the well-known path of each endpoint ({@code
 * /.well-known/oauth-protected-resource/mcp}, {@code .../sse}) and at the root form for Portico as a whole.
 *
 * <pre>
 * {"resource": "https://portico.example.com/mcp",
 *  "authorization_servers": ["https://idp.example.com"],
 *  "bearer_methods_supported": ["header"],
 *  "scopes_supported": ["mcp"]}
 * </pre>
 *
 * <p>The document is public and changes only with the config, so caches may keep it for {@link #MAX_AGE_SECONDS}.
 */
public final class ResourceMetadataServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final int MAX_AGE_SECONDS = 3600;

    private final transient PorticoResource resource;
    private final String endpointPath;
    private final URI issuer;
    private final List<String> scopes;

    /** @param endpointPath the endpoint the document is about ({@code /mcp}), {@code ""} for Portico as a whole */
    public ResourceMetadataServlet(PorticoResource resource, String endpointPath, URI issuer, List<String> scopes) {
        this.resource = Objects.requireNonNull(resource, "resource");
        this.endpointPath = Objects.requireNonNull(endpointPath, "endpointPath");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.scopes = List.copyOf(scopes);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("resource", resource.resource(endpointPath).toString());
        document.put("authorization_servers", List.of(issuer.toString()));
        document.put("bearer_methods_supported", List.of("header"));
        if (!scopes.isEmpty()) {
            document.put("scopes_supported", scopes);
        }
        document.put("resource_name", "Portico");
        byte[] body = JSONObjectUtils.toJSONString(document).getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("Cache-Control", "public, max-age=" + MAX_AGE_SECONDS);
        response.setHeader("Access-Control-Allow-Origin", "*");
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
