package dev.portico.aggregator.auth;

import dev.portico.cimd.ClientMetadataDocument;
import dev.portico.config.ConfigException;
import dev.portico.config.ConfigProblem;
import dev.portico.config.PorticoConfig;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpException;
import dev.portico.oauth.http.OutboundHttpSettings;
import dev.portico.oauth.http.OutboundResponse;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Checks, at start, a Client ID Metadata Document hosted elsewhere ({@code oauth.clientMetadataUrl}): a document
 * that contradicts Portico (another {@code client_id}, no Portico callback in {@code redirect_uris}) would make
 * every sign-in fail at the authorization server, so it is a config error before anything is served.
 */
final class HostedClientMetadataCheck {

    private static final String KEY = "oauth.clientMetadataUrl";

    private HostedClientMetadataCheck() {}

    /**
     * @throws ConfigException if the document contradicts the config
     * @throws IllegalStateException if the document cannot be fetched
     */
    static void verify(PorticoConfig config, URI documentUrl, URI redirectUri) {
        String json = fetch(config, documentUrl);
        List<String> problems = ClientMetadataDocument.check(documentUrl, json, redirectUri);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream()
                    .map(problem -> new ConfigProblem(
                            config.source(),
                            ConfigProblem.NO_LINE,
                            ConfigProblem.NO_LINE,
                            KEY,
                            "the client metadata document at " + documentUrl + " contradicts Portico: " + problem,
                            "publish a document whose client_id is " + documentUrl + " and whose redirect_uris"
                                    + " contain " + redirectUri + ", or remove " + KEY
                                    + " to let Portico serve its own"))
                    .toList());
        }
    }

    private static String fetch(PorticoConfig config, URI documentUrl) {
        try (OutboundHttp http = new OutboundHttp(OutboundHttpSettings.from(config.security()))) {
            OutboundResponse response = http.get(documentUrl, Map.of());
            if (response.status() != 200) {
                throw new IllegalStateException("the client metadata document at " + documentUrl + " (" + KEY
                        + ") answered HTTP " + response.status() + "; it must answer 200 with the document");
            }
            return response.body();
        } catch (OutboundHttpException e) {
            throw new IllegalStateException(
                    "cannot fetch the client metadata document at " + documentUrl + " (" + KEY + "): " + e.getMessage(),
                    e);
        }
    }
}
