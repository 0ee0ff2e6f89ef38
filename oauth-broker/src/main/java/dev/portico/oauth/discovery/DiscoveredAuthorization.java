package dev.portico.oauth.discovery;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery found for one upstream: the resource to ask tokens for and the authorization server to ask.
 *
 * <p>The authorization server metadata has passed the checks of {@link Discovery}: its issuer equals the one asked for,
 * and it supports PKCE with S256. Nimbus's metadata type has setters; treat it as read-only (each discovery returns
 * its own copy, so a change would not leak into the cache, but it would mislead the caller).
 *
 * @param resource the resource identifier for RFC 8707 {@code resource} parameters: the metadata's {@code resource}
 *     when there is protected resource metadata, else the canonical upstream URL ({@link
 *     ResourceUris#canonicalResource})
 * @param resourceMetadata the upstream's protected resource metadata, when it publishes one
 * @param authorizationServer the chosen authorization server's metadata
 */
public record DiscoveredAuthorization(
        URI resource,
        Optional<ProtectedResourceMetadata> resourceMetadata,
        AuthorizationServerMetadata authorizationServer) {

    /** The custom metadata field of the OAuth Client ID Metadata Document draft (§4). */
    static final String CLIENT_ID_METADATA_DOCUMENT_SUPPORTED = "client_id_metadata_document_supported";

    public DiscoveredAuthorization {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(resourceMetadata, "resourceMetadata");
        Objects.requireNonNull(authorizationServer, "authorizationServer");
    }

    /** The authorization server's issuer identifier, exactly as asked for and as its metadata states it. */
    public URI issuer() {
        return URI.create(authorizationServer.getIssuer().getValue());
    }

    /**
     * Whether the authorization server accepts a URL as {@code client_id} that it resolves to a Client ID Metadata
     * Document; only a JSON {@code true} counts.
     */
    public boolean clientIdMetadataDocumentSupported() {
        return Boolean.TRUE.equals(authorizationServer.getCustomParameter(CLIENT_ID_METADATA_DOCUMENT_SUPPORTED));
    }

    /** Where dynamic client registration (RFC 7591) is offered, if it is. */
    public Optional<URI> registrationEndpoint() {
        return Optional.ofNullable(authorizationServer.getRegistrationEndpointURI());
    }
}
