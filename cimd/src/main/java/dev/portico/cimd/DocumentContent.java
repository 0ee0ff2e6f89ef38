package dev.portico.cimd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The content checks of a Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-document §4.1) as they
 * matter to Portico: the members an authorization server compares with the authorization request.
 */
final class DocumentContent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SECRET_MEMBERS = List.of("client_secret", "client_secret_expires_at");

    private DocumentContent() {}

    static List<String> problems(URI documentUrl, String json, URI expectedRedirectUri) {
        JsonNode document;
        try {
            document = json == null ? null : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return List.of("the document is not JSON: " + e.getOriginalMessage());
        }
        if (document == null || !document.isObject()) {
            return List.of("the document is not a JSON object");
        }
        List<String> problems = new ArrayList<>();
        checkClientId(document.get("client_id"), documentUrl, problems);
        checkRedirectUris(document.get("redirect_uris"), expectedRedirectUri, problems);
        checkAuthMethod(document.get("token_endpoint_auth_method"), problems);
        for (String member : SECRET_MEMBERS) {
            if (document.has(member)) {
                problems.add(member + " is present; a Client ID Metadata Document cannot carry a shared secret");
            }
        }
        checkContains(document.get("grant_types"), "grant_types", "authorization_code", problems);
        checkContains(document.get("response_types"), "response_types", "code", problems);
        return problems;
    }

    private static void checkClientId(JsonNode clientId, URI documentUrl, List<String> problems) {
        if (clientId == null || clientId.isNull()) {
            problems.add("client_id is missing; it must be the document's own URL, " + documentUrl);
        } else if (!clientId.isTextual()) {
            problems.add("client_id is not a string");
        } else if (!clientId.textValue().equals(documentUrl.toString())) {
            // Simple string comparison (RFC 3986 §6.2.1), as the draft requires: no normalization.
            problems.add("client_id \"" + clientId.textValue() + "\" differs from the URL the document is served from, "
                    + documentUrl);
        }
    }

    private static void checkRedirectUris(JsonNode redirectUris, URI expected, List<String> problems) {
        if (redirectUris == null || redirectUris.isNull()) {
            problems.add("redirect_uris is missing; it must contain Portico's callback " + expected);
            return;
        }
        if (!redirectUris.isArray()) {
            problems.add("redirect_uris is not an array");
            return;
        }
        boolean found = false;
        for (JsonNode uri : redirectUris) {
            if (!uri.isTextual()) {
                problems.add("redirect_uris contains a value that is not a string");
                return;
            }
            found |= uri.textValue().equals(expected.toString());
        }
        if (!found) {
            problems.add("redirect_uris does not contain Portico's callback " + expected
                    + "; authorization servers compare redirect URIs exactly");
        }
    }

    private static void checkAuthMethod(JsonNode method, List<String> problems) {
        if (method == null || method.isNull()) {
            // RFC 7591 §2: an absent method means client_secret_basic, which a metadata document cannot use.
            problems.add("token_endpoint_auth_method is missing (which means client_secret_basic); Portico is a public"
                    + " client and needs \"none\"");
        } else if (!method.isTextual() || !method.textValue().equals(ClientMetadataDocument.AUTH_METHOD_NONE)) {
            problems.add("token_endpoint_auth_method is " + method + "; Portico is a public client and needs \"none\"");
        }
    }

    private static void checkContains(JsonNode values, String member, String required, List<String> problems) {
        if (values == null || values.isNull()) {
            return; // RFC 7591 defaults (authorization_code, code) are what Portico needs
        }
        if (!values.isArray()) {
            problems.add(member + " is not an array");
            return;
        }
        for (JsonNode value : values) {
            if (value.isTextual() && value.textValue().equals(required)) {
                return;
            }
        }
        problems.add(member + " does not contain \"" + required + "\"");
    }
}
