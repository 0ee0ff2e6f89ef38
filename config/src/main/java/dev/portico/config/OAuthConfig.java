package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Portico as an OAuth client ({@code oauth}): where its callback and Client ID Metadata Document live and what
 * the document says.
 *
 * @param callbackPath the path of the redirect URI under the public URL
 * @param cimdPath the path Portico serves its Client ID Metadata Document at
 * @param clientMetadataUrl the document's URL when it is hosted elsewhere; then it is Portico's client_id and
 *     Portico does not serve the document
 * @param clientName the {@code client_name} authorization servers show users
 * @param clientUri the {@code client_uri}: a page about this deployment, if any
 * @param stateTtl how long a started sign-in stays valid
 * @param metadataCacheTtl how long discovered protected-resource and authorization-server metadata is reused
 * @param refreshMargin how long before its expiry a token is refreshed, so that it is still valid when it arrives
 * @param stepUpLimit how many step-up sign-ins (after {@code insufficient_scope}) an upstream may ask of a session
 *     before Portico stops asking the user and reports the missing scope
 * @param openBrowser in stdio mode, whether Portico opens the system browser at a sign-in link
 * @param loopbackPort in stdio mode, the port of the loopback listener for the callback and the Client ID Metadata
 *     Document; 0 picks a free one
 */
public record OAuthConfig(
        String callbackPath,
        String cimdPath,
        Optional<URI> clientMetadataUrl,
        String clientName,
        Optional<URI> clientUri,
        Duration stateTtl,
        Duration metadataCacheTtl,
        Duration refreshMargin,
        int stepUpLimit,
        boolean openBrowser,
        int loopbackPort) {

    public static final String DEFAULT_CALLBACK_PATH = "/oauth/callback";
    public static final String DEFAULT_CIMD_PATH = "/.well-known/oauth-client.json";

    /**
     * Paths Portico answers itself on its HTTP listener, which the callback and the Client ID Metadata Document must
     * not take: MCP (streamable HTTP, legacy SSE and its message endpoint), health, metrics. The aggregator's tests
     * check this list against what it mounts.
     */
    public static final List<String> PORTICO_PATHS =
            List.of("/mcp", "/sse", "/message", "/healthz", "/readyz", MetricsConfig.PATH);

    /** Prefixes of paths Portico answers itself: sign-in start links, and its protected-resource metadata. */
    public static final List<String> PORTICO_PATH_PREFIXES =
            List.of("/oauth/start/", "/.well-known/oauth-protected-resource");

    public static final String DEFAULT_CLIENT_NAME = "Portico";
    public static final Duration DEFAULT_STATE_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_METADATA_CACHE_TTL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_REFRESH_MARGIN = Duration.ofSeconds(60);
    public static final int DEFAULT_STEP_UP_LIMIT = 2;

    public OAuthConfig {
        Objects.requireNonNull(callbackPath, "callbackPath");
        Objects.requireNonNull(cimdPath, "cimdPath");
        Objects.requireNonNull(clientMetadataUrl, "clientMetadataUrl");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(clientUri, "clientUri");
        Objects.requireNonNull(stateTtl, "stateTtl");
        Objects.requireNonNull(metadataCacheTtl, "metadataCacheTtl");
        Objects.requireNonNull(refreshMargin, "refreshMargin");
        if (refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin must not be negative: " + refreshMargin);
        }
        if (stepUpLimit < 0) {
            throw new IllegalArgumentException("stepUpLimit must not be negative: " + stepUpLimit);
        }
        if (loopbackPort < 0 || loopbackPort > 65535) {
            throw new IllegalArgumentException("loopbackPort must be between 0 and 65535: " + loopbackPort);
        }
    }

    /** The settings before refresh, step-up and stdio keys existed; those take their defaults. */
    public OAuthConfig(
            String callbackPath,
            String cimdPath,
            Optional<URI> clientMetadataUrl,
            String clientName,
            Optional<URI> clientUri,
            Duration stateTtl,
            Duration metadataCacheTtl) {
        this(
                callbackPath,
                cimdPath,
                clientMetadataUrl,
                clientName,
                clientUri,
                stateTtl,
                metadataCacheTtl,
                DEFAULT_REFRESH_MARGIN,
                DEFAULT_STEP_UP_LIMIT,
                false,
                0);
    }

    /** The same settings with another refresh margin. */
    public OAuthConfig withRefreshMargin(Duration margin) {
        return new OAuthConfig(
                callbackPath,
                cimdPath,
                clientMetadataUrl,
                clientName,
                clientUri,
                stateTtl,
                metadataCacheTtl,
                margin,
                stepUpLimit,
                openBrowser,
                loopbackPort);
    }

    /** The same settings with another step-up limit. */
    public OAuthConfig withStepUpLimit(int limit) {
        return new OAuthConfig(
                callbackPath,
                cimdPath,
                clientMetadataUrl,
                clientName,
                clientUri,
                stateTtl,
                metadataCacheTtl,
                refreshMargin,
                limit,
                openBrowser,
                loopbackPort);
    }

    public static OAuthConfig defaults() {
        return new OAuthConfig(
                DEFAULT_CALLBACK_PATH,
                DEFAULT_CIMD_PATH,
                Optional.empty(),
                DEFAULT_CLIENT_NAME,
                Optional.empty(),
                DEFAULT_STATE_TTL,
                DEFAULT_METADATA_CACHE_TTL);
    }
}
