package dev.portico.oauth.client;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * Who Portico is at one authorization server: the {@code client_id} it sends in authorization and token requests,
 * and how it proves that at the token endpoint.
 *
 * <p>A public client ({@link ClientAuthMethod#NONE}) has no secret and relies on PKCE; a confidential one always has
 * a secret. The constructor holds to that, so a caller never meets a {@code client_secret_basic} identity without a
 * secret to send.
 *
 * @param clientId the {@code client_id}; under CIMD, the HTTPS URL of Portico's Client ID Metadata Document
 * @param secret the client secret, present exactly when {@code method} is not {@link ClientAuthMethod#NONE}
 * @param method how the client authenticates at the token and revocation endpoints
 * @param source where the identity came from, for logs and for the admin
 */
public record ClientIdentity(ClientID clientId, Optional<Secret> secret, ClientAuthMethod method, Source source) {

    /** Where a client identity came from, in the order the MCP authorization spec prefers them. */
    public enum Source {
        /** Registered by the admin in advance and named in the upstream's {@code auth} config. */
        CONFIGURED,
        /** Portico's Client ID Metadata Document URL, for an authorization server that fetches it. */
        METADATA_DOCUMENT,
        /** Registered by Portico at the authorization server's {@code registration_endpoint} (RFC 7591). */
        DYNAMIC_REGISTRATION
    }

    public ClientIdentity {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(source, "source");
        if (method == ClientAuthMethod.NONE && secret.isPresent()) {
            throw new IllegalArgumentException("a public client (token_endpoint_auth_method none) has no secret");
        }
        if (method != ClientAuthMethod.NONE && secret.isEmpty()) {
            throw new IllegalArgumentException(method.configName() + " needs a client secret");
        }
    }

    /** A public client: PKCE only, no secret. */
    public static ClientIdentity publicClient(ClientID clientId, Source source) {
        return new ClientIdentity(clientId, Optional.empty(), ClientAuthMethod.NONE, source);
    }

    /**
     * Nimbus client authentication for token and revocation requests: {@link ClientSecretBasic}, {@link
     * ClientSecretPost}, or {@code null} for {@link ClientAuthMethod#NONE}, in which case the caller puts {@code
     * client_id} in the request itself (RFC 6749 §3.2.1).
     */
    public ClientAuthentication authentication() {
        switch (method) {
            case CLIENT_SECRET_BASIC:
                return new ClientSecretBasic(clientId, nimbusSecret());
            case CLIENT_SECRET_POST:
                return new ClientSecretPost(clientId, nimbusSecret());
            case NONE:
            default:
                return null;
        }
    }

    private com.nimbusds.oauth2.sdk.auth.Secret nimbusSecret() {
        return new com.nimbusds.oauth2.sdk.auth.Secret(secret.orElseThrow().reveal());
    }

    /** Names the client and says whether it has a secret, never what the secret is. */
    @Override
    public String toString() {
        return "ClientIdentity[clientId=" + clientId.getValue()
                + ", secret=" + (secret.isPresent() ? Secret.REDACTED : "none")
                + ", method=" + method.configName()
                + ", source=" + source + "]";
    }
}
