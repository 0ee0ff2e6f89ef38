package dev.portico.oauth.discovery;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.portico.oauth.http.OutboundResponse;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import net.minidev.json.JSONObject;

/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728 §2): what an upstream MCP server says about itself, chiefly which
 * authorization servers issue its tokens. Nimbus has no type for it.
 *
 * <p>Example document (RFC 9728 §3.2):
 *
 * <pre>
 * {"resource": "https://resource.example.com",
 *  "authorization_servers": ["https://as1.example.com", "https://as2.example.net"],
 *  "scopes_supported": ["profile", "email", "phone"]}
 * </pre>
 *
 * @param resource the protected resource's identifier: an absolute http(s) URL without a fragment
 * @param authorizationServers issuer identifiers of the authorization servers it accepts tokens from, in the order
 *     listed; empty when absent (RFC 9728 makes the field optional, MCP requires it)
 * @param scopesSupported the scopes it names; empty when absent
 * @param resourceName a name for people, if given
 * @param source where the document was fetched, for messages
 */
public record ProtectedResourceMetadata(
        URI resource,
        List<URI> authorizationServers,
        List<String> scopesSupported,
        Optional<String> resourceName,
        URI source) {

    public ProtectedResourceMetadata {
        Objects.requireNonNull(resource, "resource");
        authorizationServers = List.copyOf(authorizationServers);
        scopesSupported = List.copyOf(scopesSupported);
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(source, "source");
    }

    /**
     * Reads a metadata document. Unknown fields are ignored, and a {@code null} optional field counts as absent.
     *
     * @param json the document's text
     * @param source where it was fetched, named in every message
     * @throws DiscoveryException with reason {@link DiscoveryException.Reason#METADATA_INVALID} if the text is not a
     *     JSON object, {@code resource} is missing or invalid, or a field has the wrong type; the message names the
     *     URL and the field
     */
    public static ProtectedResourceMetadata parse(String json, URI source) throws DiscoveryException {
        Objects.requireNonNull(source, "source");
        JSONObject object;
        try {
            object = JSONObjectUtils.parse(json == null ? "" : json);
        } catch (ParseException e) {
            // The parser quotes the document, control characters included: shortened and cleaned like any server
            // text before it reaches a log line or a page.
            throw invalid(
                    source, "is not a JSON object (" + OutboundResponse.excerpt(String.valueOf(e.getMessage())) + ")");
        }
        Object resourceValue = object.get("resource");
        if (resourceValue == null) {
            throw invalid(source, "has no \"resource\" (RFC 9728 §2 requires it)");
        }
        if (!(resourceValue instanceof String)) {
            throw invalid(source, "has a \"resource\" that is not a string");
        }
        URI resource = url(source, "resource", (String) resourceValue, false);
        List<URI> authorizationServers = new ArrayList<>();
        List<String> servers = strings(object, "authorization_servers", source);
        for (int i = 0; i < servers.size(); i++) {
            authorizationServers.add(url(source, "authorization_servers[" + i + "]", servers.get(i), true));
        }
        Object name = object.get("resource_name");
        if (name != null && !(name instanceof String)) {
            throw invalid(source, "has a \"resource_name\" that is not a string");
        }
        return new ProtectedResourceMetadata(
                resource,
                authorizationServers,
                strings(object, "scopes_supported", source),
                Optional.ofNullable((String) name),
                source);
    }

    private static List<String> strings(JSONObject object, String field, URI source) throws DiscoveryException {
        Object value = object.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw invalid(source, "has a \"" + field + "\" that is not an array of strings");
        }
        List<String> strings = new ArrayList<>();
        for (Object element : (List<?>) value) {
            if (!(element instanceof String)) {
                throw invalid(source, "has a \"" + field + "\" that is not an array of strings");
            }
            strings.add((String) element);
        }
        return strings;
    }

    /**
     * An absolute http(s) URL with a host and without a fragment (RFC 9728 §2); an issuer also without a query (RFC
     * 8414 §2).
     */
    private static URI url(URI source, String field, String value, boolean issuer) throws DiscoveryException {
        String problem = issuer
                ? "is not an absolute http(s) URL without query and fragment (RFC 8414 §2)"
                : "is not an absolute http(s) URL without a fragment (RFC 9728 §2)";
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(source, "has a \"" + field + "\" " + quoted(value) + " that " + problem);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean valid = uri.isAbsolute()
                && !uri.isOpaque()
                && uri.getHost() != null
                && (scheme.equals("https") || scheme.equals("http"))
                && uri.getRawFragment() == null
                && !(issuer && uri.getRawQuery() != null);
        if (!valid) {
            throw invalid(source, "has a \"" + field + "\" " + quoted(value) + " that " + problem);
        }
        return uri;
    }

    private static String quoted(String value) {
        return "\"" + OutboundResponse.excerpt(value) + "\"";
    }

    private static DiscoveryException invalid(URI source, String problem) {
        return new DiscoveryException(
                DiscoveryException.Reason.METADATA_INVALID,
                "the protected resource metadata at " + source + " " + problem);
    }
}
