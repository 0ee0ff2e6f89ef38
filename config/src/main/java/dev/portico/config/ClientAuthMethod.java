package dev.portico.config;

import java.util.Arrays;
import java.util.Optional;

/** How Portico authenticates to an authorization server's token endpoint (RFC 7591 {@code token_endpoint_auth_method}). */
public enum ClientAuthMethod {
    /** A public client: no secret, PKCE only. */
    NONE("none"),
    /** The secret in an HTTP Basic {@code Authorization} header. */
    CLIENT_SECRET_BASIC("client_secret_basic"),
    /** The secret as a {@code client_secret} form parameter. */
    CLIENT_SECRET_POST("client_secret_post");

    private final String configName;

    ClientAuthMethod(String configName) {
        this.configName = configName;
    }

    /** The name used in config and in OAuth metadata. */
    public String configName() {
        return configName;
    }

    public static Optional<ClientAuthMethod> fromConfigName(String name) {
        return Arrays.stream(values()).filter(m -> m.configName.equals(name)).findFirst();
    }
}
