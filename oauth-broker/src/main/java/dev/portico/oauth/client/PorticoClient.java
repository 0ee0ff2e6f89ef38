package dev.portico.oauth.client;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What Portico is as an OAuth client, the same at every authorization server: the facts a Client ID Metadata
 * Document or a dynamic registration announces.
 *
 * <p>The URLs are suppliers because they derive from Portico's public URL, which may be known only once the server
 * listens (a port chosen at bind time); they are read at each sign-in, never at construction.
 *
 * @param metadataDocumentUrl the HTTPS URL of Portico's Client ID Metadata Document, which is also its {@code
 *     client_id} wherever CIMD is used
 * @param redirectUri Portico's {@code /oauth/callback} URL, the one {@code redirect_uri} it registers
 * @param clientName the {@code client_name} an authorization server shows users on its consent screen
 * @param clientUri the {@code client_uri}: a page about this deployment, if any
 */
public record PorticoClient(
        Supplier<URI> metadataDocumentUrl, Supplier<URI> redirectUri, String clientName, Optional<URI> clientUri) {

    public PorticoClient {
        Objects.requireNonNull(metadataDocumentUrl, "metadataDocumentUrl");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(clientUri, "clientUri");
    }
}
