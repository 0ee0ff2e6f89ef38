package dev.portico.oauth.inbound;

import dev.portico.oauth.discovery.WellKnownUrls;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Portico as an OAuth protected resource: its resource identifiers, one per MCP endpoint (the URL a client
 * connects to, RFC 8707 §2), where their RFC 9728 metadata lives, and which audiences its tokens may carry.
 *
 * <p>The public URL is read per use: without {@code server.publicUrl} it is known only once the listener is bound.
 */
public final class PorticoResource {

    /** The endpoints that have metadata of their own: streamable HTTP and legacy SSE. */
    public static final List<String> ENDPOINTS = List.of("/mcp", "/sse");

    private final Supplier<URI> publicBaseUrl;
    private final Optional<String> audience;

    /** @param audience the configured {@code server.auth.audience}; empty for the default */
    public PorticoResource(Supplier<URI> publicBaseUrl, Optional<String> audience) {
        this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        this.audience = Objects.requireNonNull(audience, "audience");
    }

    /** The resource identifier of an endpoint ({@code /mcp}), or of Portico as a whole for {@code ""}. */
    public URI resource(String endpointPath) {
        String base = publicBaseUrl.get().toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + endpointPath);
    }

    /** Where the metadata of {@link #resource(String)} is: the path-inserted well-known URL of RFC 9728 §3.1. */
    public URI metadataUrl(String endpointPath) {
        return WellKnownUrls.protectedResourceCandidates(resource(endpointPath)).get(0);
    }

    /**
     * The {@code aud} values a token is accepted with: the configured audience, or else any of Portico's resource
     * identifiers, which all name this one Portico (a client asks for the one of the endpoint it connects to).
     */
    public Set<String> audiences() {
        if (audience.isPresent()) {
            return Set.of(audience.get());
        }
        Set<String> audiences = new LinkedHashSet<>();
        ENDPOINTS.forEach(path -> audiences.add(resource(path).toString()));
        audiences.add(resource("").toString());
        return audiences;
    }
}
