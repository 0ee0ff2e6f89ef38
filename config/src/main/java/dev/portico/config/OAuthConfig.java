package dev.portico.config;

import java.net.URI;
import java.time.Duration;
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
 */
public record OAuthConfig(
        String callbackPath,
        String cimdPath,
        Optional<URI> clientMetadataUrl,
        String clientName,
        Optional<URI> clientUri,
        Duration stateTtl,
        Duration metadataCacheTtl) {

    public static final String DEFAULT_CALLBACK_PATH = "/oauth/callback";
    public static final String DEFAULT_CIMD_PATH = "/.well-known/oauth-client.json";
    public static final String DEFAULT_CLIENT_NAME = "Portico";
    public static final Duration DEFAULT_STATE_TTL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_METADATA_CACHE_TTL = Duration.ofMinutes(15);

    public OAuthConfig {
        Objects.requireNonNull(callbackPath, "callbackPath");
        Objects.requireNonNull(cimdPath, "cimdPath");
        Objects.requireNonNull(clientMetadataUrl, "clientMetadataUrl");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(clientUri, "clientUri");
        Objects.requireNonNull(stateTtl, "stateTtl");
        Objects.requireNonNull(metadataCacheTtl, "metadataCacheTtl");
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
