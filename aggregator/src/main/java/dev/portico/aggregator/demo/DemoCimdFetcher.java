package dev.portico.aggregator.demo;

import dev.portico.cimd.ClientMetadataDocument;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches and checks a Client ID Metadata Document for an authorization request, as an authorization server that
 * supports draft-ietf-oauth-client-id-metadata-document does: a GET that does not follow redirects and accepts only
 * 200 (§4), then the checks of {@link ClientMetadataDocument#check}: the document's {@code client_id} equals its URL,
 * the request's {@code redirect_uri} is among its {@code redirect_uris}, and it asks for no shared secret.
 *
 * <p>Only loopback URLs are fetched: the demo identity provider must not become a way to make requests elsewhere
 * (the draft's SSRF concern, §6.5). Safe for concurrent use.
 */
final class DemoCimdFetcher {

    /** The draft suggests 5 KB as a maximum document size; a little more leaves room for long redirect URI lists. */
    static final int MAX_DOCUMENT_BYTES = 16 * 1024;

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    /**
     * Why the document at {@code clientId} does not admit {@code redirectUri}, or empty when it does.
     *
     * @param clientId the {@code client_id} of the authorization request, an http(s) URL
     * @param redirectUri the {@code redirect_uri} of the authorization request
     */
    Optional<String> refusal(URI clientId, URI redirectUri) {
        if (!isLoopback(clientId.getHost())) {
            return Optional.of("the demo identity provider only fetches Client ID Metadata Documents from loopback"
                    + " hosts, not " + clientId.getHost());
        }
        String json;
        try {
            HttpRequest request = HttpRequest.newBuilder(clientId)
                    .timeout(TIMEOUT)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    return Optional.of("fetching the Client ID Metadata Document " + clientId + " answered HTTP "
                            + response.statusCode() + " instead of 200");
                }
                byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
                if (bytes.length > MAX_DOCUMENT_BYTES) {
                    return Optional.of("the Client ID Metadata Document " + clientId + " is larger than "
                            + MAX_DOCUMENT_BYTES + " bytes");
                }
                json = new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            return Optional.of("could not fetch the Client ID Metadata Document " + clientId + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while fetching the Client ID Metadata Document " + clientId);
        } catch (IllegalArgumentException e) {
            return Optional.of("cannot fetch the Client ID Metadata Document " + clientId + ": " + e.getMessage());
        }
        List<String> problems = ClientMetadataDocument.check(clientId, json, redirectUri);
        return problems.isEmpty()
                ? Optional.empty()
                : Optional.of("the Client ID Metadata Document " + clientId + " does not admit this request: "
                        + String.join("; ", problems));
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost")
                || h.equals("[::1]")
                || h.equals("[0:0:0:0:0:0:0:1]")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
