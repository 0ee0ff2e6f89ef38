package dev.portico.aggregator.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portico.aggregator.demo.DemoIdentityProvider.Client;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A minimal RFC 7591 dynamic client registration endpoint: {@code redirect_uris} (required),
 * {@code token_endpoint_auth_method} (default {@code client_secret_basic}, RFC 7591 §2), {@code grant_types},
 * {@code response_types}, {@code client_name} and {@code scope}. A fresh {@code client_id} comes back, and a
 * {@code client_secret} unless the client asked to be public ({@code none}). No registration access token: RFC 7592
 * management is not offered.
 */
final class DemoRegistrationServlet extends HttpServlet {

    private static final String ENDPOINT = "register";
    private static final int MAX_BODY_BYTES = 64 * 1024;
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");

    private final DemoIdpOptions options;
    private final DemoClientRegistry clients;
    private final DemoIdpActivity activity;
    private final SecureRandom random = new SecureRandom();

    DemoRegistrationServlet(DemoIdpOptions options, DemoClientRegistry clients, DemoIdpActivity activity) {
        this.options = options;
        this.clients = clients;
        this.activity = activity;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] bytes = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        JsonNode metadata;
        try {
            metadata = bytes.length > MAX_BODY_BYTES ? null : DemoHttp.JSON.readTree(bytes);
        } catch (IOException e) {
            metadata = null;
        }
        if (metadata == null || !metadata.isObject()) {
            refuse(response, "invalid_client_metadata", "the body must be a JSON object of client metadata");
            return;
        }
        List<URI> redirectUris = new ArrayList<>();
        Optional<String> problem = redirectUris(metadata.get("redirect_uris"), redirectUris);
        if (problem.isPresent()) {
            refuse(response, "invalid_redirect_uri", problem.get());
            return;
        }
        JsonNode methodNode = metadata.get("token_endpoint_auth_method");
        Optional<ClientAuthMethod> method = methodNode == null
                ? Optional.of(ClientAuthMethod.CLIENT_SECRET_BASIC)
                : Optional.ofNullable(methodNode.textValue()).flatMap(ClientAuthMethod::fromConfigName);
        if (method.isEmpty()) {
            refuse(
                    response,
                    "invalid_client_metadata",
                    "token_endpoint_auth_method must be none, " + "client_secret_basic or client_secret_post");
            return;
        }
        List<String> grantTypes = strings(metadata.get("grant_types"), List.of("authorization_code"));
        List<String> responseTypes = strings(metadata.get("response_types"), List.of("code"));
        if (!GRANT_TYPES.containsAll(grantTypes) || !responseTypes.equals(List.of("code"))) {
            refuse(
                    response,
                    "invalid_client_metadata",
                    "only the grant types authorization_code and refresh_token"
                            + " and the response type code are supported");
            return;
        }
        String clientId = "demo-" + randomValue(12);
        Client client = method.get() == ClientAuthMethod.NONE
                ? Client.publicClient(clientId, redirectUris)
                : Client.confidential(clientId, Secret.of(randomValue(24)), method.get(), redirectUris);
        clients.registerDynamically(client);
        client.secret().ifPresent(secret -> activity.secrets().issued("client_secret", secret.reveal()));
        DemoHttp.json(response, HttpServletResponse.SC_CREATED, answer(client, metadata, grantTypes, responseTypes));
    }

    /** RFC 7591 §3.2.1: the registered metadata, with the issued identifier and secret. */
    private Map<String, Object> answer(
            Client client, JsonNode metadata, List<String> grantTypes, List<String> responseTypes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("client_id", client.clientId());
        answer.put("client_id_issued_at", Instant.now().getEpochSecond());
        client.secret().ifPresent(secret -> {
            answer.put("client_secret", secret.reveal());
            answer.put("client_secret_expires_at", 0);
        });
        answer.put(
                "redirect_uris",
                client.redirectUris().stream().map(URI::toString).toList());
        answer.put("token_endpoint_auth_method", client.authMethod().configName());
        answer.put("grant_types", grantTypes);
        answer.put("response_types", responseTypes);
        JsonNode name = metadata.get("client_name");
        if (name != null && name.isTextual()) {
            answer.put("client_name", name.textValue());
        }
        JsonNode scope = metadata.get("scope");
        answer.put(
                "scope", scope != null && scope.isTextual() ? scope.textValue() : String.join(" ", options.scopes()));
        return answer;
    }

    private static Optional<String> redirectUris(JsonNode node, List<URI> into) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return Optional.of("redirect_uris must be a non-empty array");
        }
        for (JsonNode value : node) {
            if (!value.isTextual()) {
                return Optional.of("redirect_uris must contain strings");
            }
            try {
                URI uri = new URI(value.textValue());
                boolean web = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
                if (!web || uri.getHost() == null || uri.getRawFragment() != null) {
                    return Optional.of(
                            "redirect URI " + value.textValue() + " is not an absolute http(s) URI without a fragment");
                }
                into.add(uri);
            } catch (URISyntaxException e) {
                return Optional.of("redirect URI " + value.textValue() + " is not a URI");
            }
        }
        return Optional.empty();
    }

    private static List<String> strings(JsonNode node, List<String> absent) {
        if (node == null || node.isNull()) {
            return absent;
        }
        List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(value -> values.add(value.isTextual() ? value.textValue() : value.toString()));
        } else {
            values.add(node.toString());
        }
        return values;
    }

    private String randomValue(int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private void refuse(HttpServletResponse response, String code, String description) throws IOException {
        activity.refused(ENDPOINT, code + ": " + description);
        DemoHttp.oauthError(response, HttpServletResponse.SC_BAD_REQUEST, code, description);
    }
}
