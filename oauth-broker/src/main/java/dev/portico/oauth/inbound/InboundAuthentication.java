package dev.portico.oauth.inbound;

import dev.portico.config.ServerAuthConfig;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Everything {@code server.auth} switches on, built from the config: the bearer check for the MCP endpoints and the
 * protected-resource metadata that tells clients where to sign in.
 *
 * <p>Owns its outbound HTTP client (for the issuer's metadata and keys), started here and stopped by {@link
 * #close()}. Safe for concurrent use.
 */
public final class InboundAuthentication implements AutoCloseable {

    /** The root of RFC 9728's well-known path; each endpoint's document is at this plus the endpoint's path. */
    public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";

    private final ServerAuthConfig config;
    private final OutboundHttp http;
    private final PorticoResource resource;
    private final InboundTokenValidator validator;
    private final BearerAuthenticator authenticator;

    private InboundAuthentication(
            ServerAuthConfig config,
            Supplier<URI> publicBaseUrl,
            OutboundHttp http,
            Duration metadataCacheTtl,
            Clock clock) {
        this.config = config;
        this.http = http;
        this.resource = new PorticoResource(publicBaseUrl, config.audience());
        this.validator = new InboundTokenValidator(
                config.issuer(),
                resource::audiences,
                config.requiredScopes(),
                config.jwksCacheTtl(),
                new Discovery(http, metadataCacheTtl, clock),
                http,
                clock);
        this.authenticator = new BearerAuthenticator(validator, resource, config.requiredScopes());
    }

    /**
     * Starts an outbound client with {@code settings} and builds the rest.
     *
     * @param metadataCacheTtl how long the issuer's metadata is reused ({@code oauth.metadataCacheTtl})
     */
    public static InboundAuthentication create(
            ServerAuthConfig config,
            Supplier<URI> publicBaseUrl,
            OutboundHttpSettings settings,
            Duration metadataCacheTtl,
            Clock clock) {
        Objects.requireNonNull(config, "config");
        OutboundHttp http = new OutboundHttp(settings);
        try {
            return new InboundAuthentication(config, publicBaseUrl, http, metadataCacheTtl, clock);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    public BearerAuthenticator authenticator() {
        return authenticator;
    }

    public InboundTokenValidator validator() {
        return validator;
    }

    public PorticoResource resource() {
        return resource;
    }

    /** Path → servlet: the metadata of Portico as a whole and of each MCP endpoint (RFC 9728 §3.1). */
    public Map<String, HttpServlet> servlets() {
        Map<String, HttpServlet> servlets = new LinkedHashMap<>();
        servlets.put(
                METADATA_PATH, new ResourceMetadataServlet(resource, "", config.issuer(), config.requiredScopes()));
        for (String endpoint : PorticoResource.ENDPOINTS) {
            servlets.put(
                    METADATA_PATH + endpoint,
                    new ResourceMetadataServlet(resource, endpoint, config.issuer(), config.requiredScopes()));
        }
        return servlets;
    }

    @Override
    public void close() {
        http.close();
    }
}
