package dev.portico.aggregator.demo;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The RFC 9728 protected-resource metadata of a {@link ProtectedDemoUpstream}. */
final class ProtectedResourceMetadataServlet extends HttpServlet {

    private final Map<String, Object> metadata;

    /**
     * @param resource the {@code resource} to advertise; normally the upstream's MCP URL, another one to test that a
     *     client refuses metadata whose resource does not match (RFC 9728 §3.3)
     */
    ProtectedResourceMetadataServlet(URI resource, URI issuer, List<String> scopes, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resource", resource.toString());
        m.put("authorization_servers", List.of(issuer.toString()));
        if (!scopes.isEmpty()) {
            m.put("scopes_supported", List.copyOf(scopes));
        }
        m.put("bearer_methods_supported", List.of("header"));
        m.put("resource_name", name);
        this.metadata = Collections.unmodifiableMap(m);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoHttp.json(response, HttpServletResponse.SC_OK, metadata);
    }
}
