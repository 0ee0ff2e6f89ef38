package dev.portico.cimd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portico.config.OAuthConfig;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Portico's OAuth Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document): the JSON document whose
 * URL is Portico's {@code client_id}, so that an authorization server that supports the draft can identify Portico
 * without a registration (MCP authorization 2025-11-25, "Client ID Metadata Documents").
 *
 * <p>Portico is a public client: it signs in with PKCE and holds no secret, hence {@code token_endpoint_auth_method}
 * {@code none}; the draft forbids shared secrets in such a document anyway (§4.1). The one redirect URI is Portico's
 * callback under its public URL.
 *
 * <pre>{@code
 * ClientMetadataDocument document = ClientMetadataDocument.from(config.oauth(), URI.create("https://portico.example"));
 * document.clientId();  // https://portico.example/.well-known/oauth-client.json
 * document.toJson();    // {"client_id":"https://portico.example/.well-known/oauth-client.json","client_name":...}
 * }</pre>
 *
 * @param clientId the {@code client_id}: the URL the document is served from
 * @param clientName the {@code client_name} authorization servers show on their consent pages
 * @param clientUri the {@code client_uri}, a page about this deployment, if configured
 * @param redirectUris the {@code redirect_uris}: Portico's callback
 * @param grantTypes the {@code grant_types}: {@code authorization_code} and {@code refresh_token}
 * @param responseTypes the {@code response_types}: {@code code}
 * @param tokenEndpointAuthMethod the {@code token_endpoint_auth_method}: {@code none}
 */
public record ClientMetadataDocument(
        URI clientId,
        String clientName,
        Optional<URI> clientUri,
        List<URI> redirectUris,
        List<String> grantTypes,
        List<String> responseTypes,
        String tokenEndpointAuthMethod) {

    /** The media type of the document (draft §4). */
    public static final String MEDIA_TYPE = "application/json";

    static final String AUTH_METHOD_NONE = "none";
    static final List<String> GRANT_TYPES = List.of("authorization_code", "refresh_token");
    static final List<String> RESPONSE_TYPES = List.of("code");

    private static final ObjectMapper JSON = new ObjectMapper();

    public ClientMetadataDocument {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientName, "clientName");
        Objects.requireNonNull(clientUri, "clientUri");
        redirectUris = List.copyOf(redirectUris);
        grantTypes = List.copyOf(grantTypes);
        responseTypes = List.copyOf(responseTypes);
        Objects.requireNonNull(tokenEndpointAuthMethod, "tokenEndpointAuthMethod");
    }

    /**
     * The document Portico presents under {@code oauth} settings, behind {@code publicBaseUrl}.
     *
     * @param oauth the {@code oauth} section of the config
     * @param publicBaseUrl Portico's externally visible base URL, such as {@code https://portico.example} or
     *     {@code https://example.com/portico}; a trailing slash is ignored
     * @throws IllegalArgumentException if {@code publicBaseUrl} is not an absolute http(s) URL without query and
     *     fragment, or a configured path does not start with "/"
     */
    public static ClientMetadataDocument from(OAuthConfig oauth, URI publicBaseUrl) {
        Objects.requireNonNull(oauth, "oauth");
        String base = baseOf(publicBaseUrl);
        URI clientId = oauth.clientMetadataUrl().orElseGet(() -> URI.create(base + path("cimdPath", oauth.cimdPath())));
        URI callback = URI.create(base + path("callbackPath", oauth.callbackPath()));
        return new ClientMetadataDocument(
                clientId,
                oauth.clientName(),
                oauth.clientUri(),
                List.of(callback),
                GRANT_TYPES,
                RESPONSE_TYPES,
                AUTH_METHOD_NONE);
    }

    /** Portico's callback, the redirect URI it sends in every authorization request. */
    public URI redirectUri() {
        return redirectUris.get(0);
    }

    /** The document as JSON, members always in the same order (client_id first), absent members left out. */
    public String toJson() {
        Map<String, Object> members = new LinkedHashMap<>();
        members.put("client_id", clientId.toString());
        members.put("client_name", clientName);
        clientUri.ifPresent(uri -> members.put("client_uri", uri.toString()));
        members.put("redirect_uris", redirectUris.stream().map(URI::toString).toList());
        members.put("grant_types", grantTypes);
        members.put("response_types", responseTypes);
        members.put("token_endpoint_auth_method", tokenEndpointAuthMethod);
        try {
            return JSON.writeValueAsString(members);
        } catch (JsonProcessingException e) {
            // Strings and lists of strings always serialize; reaching this is a bug, not bad input.
            throw new IllegalStateException("could not write the client metadata document", e);
        }
    }

    /**
     * What is wrong with this document as Portico's {@code client_id}: the checks of {@link #check} applied to
     * {@link #toJson()} served from {@link #clientId()}, with {@link #redirectUri()} as the expected callback. Empty
     * when the document is consistent.
     */
    public List<String> problems() {
        return check(clientId, toJson(), redirectUri());
    }

    /**
     * Checks a Client ID Metadata Document as an authorization server would before it accepts Portico's sign-in:
     * the document URL is a valid client identifier URL ({@link #clientIdUrlProblems}), the content is a JSON object
     * whose {@code client_id} equals that URL exactly (draft §4.1, simple string comparison), whose
     * {@code redirect_uris} hold Portico's callback, whose {@code token_endpoint_auth_method} is {@code none} and that
     * carries no {@code client_secret}.
     *
     * <p>Used for Portico's own document and for one hosted elsewhere ({@code oauth.clientMetadataUrl}), fetched at
     * start, so that a contradiction shows up in the log instead of at the first sign-in.
     *
     * @param documentUrl the URL the document is served from
     * @param json the document as fetched
     * @param expectedRedirectUri Portico's callback
     * @return human-readable problems, each naming the member and what is wrong; empty when consistent
     */
    public static List<String> check(URI documentUrl, String json, URI expectedRedirectUri) {
        Objects.requireNonNull(documentUrl, "documentUrl");
        Objects.requireNonNull(expectedRedirectUri, "expectedRedirectUri");
        List<String> problems = new ArrayList<>(clientIdUrlProblems(documentUrl));
        problems.addAll(DocumentContent.problems(documentUrl, json, expectedRedirectUri));
        return List.copyOf(problems);
    }

    /**
     * What makes {@code clientId} unfit as a client identifier URL (draft §3): it must be absolute, use https (http
     * only on a loopback host, for development), have a host and a path, and have no fragment, no user info and no
     * "." or ".." path segments. Pure: never resolves the host.
     */
    public static List<String> clientIdUrlProblems(URI clientId) {
        return ClientIdUrl.problems(clientId);
    }

    private static String baseOf(URI publicBaseUrl) {
        Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        String scheme = publicBaseUrl.getScheme();
        if (!publicBaseUrl.isAbsolute()
                || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
                || publicBaseUrl.getHost() == null) {
            throw new IllegalArgumentException(
                    "the public base URL must be an absolute http or https URL with a host: " + publicBaseUrl);
        }
        if (publicBaseUrl.getRawQuery() != null || publicBaseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "the public base URL must not have a query or fragment: " + publicBaseUrl);
        }
        String base = publicBaseUrl.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static String path(String name, String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("oauth." + name + " must start with \"/\": " + path);
        }
        return path;
    }
}
