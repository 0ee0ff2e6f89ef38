package dev.portico.oauth.inbound;

import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpException;
import dev.portico.oauth.http.OutboundResponse;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.Map;
import java.util.Objects;

/**
 * Fetches a JWK set for Nimbus's {@code JWKSourceBuilder} through the hardened {@link OutboundHttp}, so that the
 * issuer's {@code jwks_uri} gets the same address, size, time and redirect limits as every other fetch. A non-200
 * answer is an {@link IOException}, which Nimbus reports as the keys being unavailable.
 */
final class JwksRetriever implements ResourceRetriever {

    private final OutboundHttp http;

    JwksRetriever(OutboundHttp http) {
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public Resource retrieveResource(URL url) throws IOException {
        OutboundResponse response;
        try {
            response = http.get(url.toURI(), Map.of("Accept", "application/jwk-set+json, application/json"));
        } catch (URISyntaxException e) {
            throw new IOException("the JWK set URL is not a URI: " + url, e);
        } catch (OutboundHttpException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (response.status() != 200) {
            throw new IOException("the JWK set at " + url + " answered HTTP " + response.status());
        }
        return new Resource(response.body(), response.header("Content-Type").orElse(null));
    }
}
