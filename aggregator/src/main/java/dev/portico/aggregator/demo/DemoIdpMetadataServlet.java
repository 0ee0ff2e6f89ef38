package dev.portico.aggregator.demo;

import dev.portico.config.ClientAuthMethod;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo identity provider's RFC 8414 authorization server metadata. */
final class DemoIdpMetadataServlet extends HttpServlet {

    private final Map<String, Object> metadata;

    DemoIdpMetadataServlet(Map<String, Object> metadata) {
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * The metadata document, members in a readable order. Optional members follow the options: S256 support, Client
     * ID Metadata Documents, dynamic registration, RFC 7009 revocation and RFC 9207 {@code iss}.
     */
    static Map<String, Object> metadata(DemoIdpOptions options, DemoIdpEndpoints endpoints) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", endpoints.issuer().toString());
        m.put("authorization_endpoint", endpoints.authorization().toString());
        m.put("token_endpoint", endpoints.token().toString());
        m.put("jwks_uri", endpoints.jwks().toString());
        if (options.dynamicRegistration()) {
            m.put("registration_endpoint", endpoints.registration().toString());
        }
        if (options.revocation()) {
            m.put("revocation_endpoint", endpoints.revocation().toString());
        }
        m.put("scopes_supported", options.scopes());
        m.put("response_types_supported", List.of("code"));
        m.put(
                "grant_types_supported",
                List.of(
                        "authorization_code",
                        "refresh_token",
                        DemoTokenServlet.CLIENT_CREDENTIALS,
                        DemoTokenServlet.TOKEN_EXCHANGE));
        m.put(
                "token_endpoint_auth_methods_supported",
                Arrays.stream(ClientAuthMethod.values())
                        .map(ClientAuthMethod::configName)
                        .toList());
        if (options.advertiseS256()) {
            m.put("code_challenge_methods_supported", List.of("S256"));
        }
        m.put("client_id_metadata_document_supported", options.clientIdMetadataDocuments());
        if (options.authorizationResponseIss()) {
            m.put("authorization_response_iss_parameter_supported", true);
        }
        return m;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        DemoHttp.json(response, HttpServletResponse.SC_OK, metadata);
    }
}
