package dev.portico.config;

import java.net.URI;

/**
 * Checks the {@code client_id} Portico will present when it serves its own Client ID Metadata Document: the document's
 * URL, {@code server.publicUrl + oauth.cimdPath}. The CIMD draft (draft-ietf-oauth-client-id-metadata-document §3)
 * requires an https client identifier URL, and authorization servers reject anything else, so an http public URL
 * would only fail at the first sign-in. Loopback hosts are let through for development and demos.
 */
final class ClientIdUrlCheck {

    private ClientIdUrlCheck() {}

    static void check(ServerConfig server, OAuthConfig oauth, MappingReader root, Problems problems) {
        if (oauth.clientMetadataUrl().isPresent() || server.publicUrl().isEmpty()) {
            return;
        }
        URI publicUrl = server.publicUrl().get();
        if (Urls.isHttps(publicUrl) || Urls.isLoopback(publicUrl)) {
            return;
        }
        problems.add(
                root.nestedValuePosition("server", "publicUrl"),
                "server.publicUrl",
                "publicUrl \"" + publicUrl + "\" uses http, but Portico's client_id, the URL of its Client ID"
                        + " Metadata Document (" + publicUrl + oauth.cimdPath() + "), must be https",
                "use an https publicUrl (http is accepted only for the loopback hosts " + Urls.LOOPBACK_HOSTS
                        + "), or host the document at an https URL and set oauth.clientMetadataUrl");
    }
}
