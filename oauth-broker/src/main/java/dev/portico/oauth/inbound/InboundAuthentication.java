package dev.portico.oauth.inbound;

import dev.portico.config.ClientAuthMethod;
import dev.portico.config.ServerAuthConfig;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.callback.SignInEndpoints;
import dev.portico.oauth.client.ClientRegistry;
import dev.portico.oauth.client.PorticoClient;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.token.TokenClient;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything {@code server.auth} switches on, built from the config: the bearer check for the MCP endpoints, the
 * protected-resource metadata that tells clients where to sign in, and the start-link check ({@link BrowserLogin}).
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
    private final Discovery discovery;
    private final Clock clock;
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
        this.discovery = new Discovery(http, metadataCacheTtl, clock);
        this.clock = clock;
        this.validator = new InboundTokenValidator(
                config.issuer(),
                resource::audiences,
                config.requiredScopes(),
                config.jwksCacheTtl(),
                discovery,
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

    /**
     * The start-link check: browsers sign in to Portico at the issuer with {@code server.auth.clientId}, or else with
     * the identity Portico has at every authorization server ({@code portico}: its Client ID Metadata Document or a
     * dynamic registration), and come back to the sign-in callback.
     *
     * @param endpoints the sign-in endpoints, whose callback is the login's redirect URI
     * @param stateTtl how long a started login stays valid
     */
    public BrowserLogin browserLogin(PorticoClient portico, SignInEndpoints endpoints, Duration stateTtl) {
        ClientAuthMethod method =
                config.clientSecret().isPresent() ? ClientAuthMethod.CLIENT_SECRET_BASIC : ClientAuthMethod.NONE;
        UpstreamAuthConfig client = new UpstreamAuthConfig(
                List.of("openid"),
                Optional.of(config.issuer()),
                config.clientId(),
                config.clientSecret(),
                method,
                false);
        return new BrowserLogin(
                config.issuer(),
                client,
                discovery,
                new ClientRegistry(portico, http.nimbusSender()),
                new TokenClient(http.nimbusSender(), clock),
                validator,
                endpoints,
                stateTtl,
                clock);
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
