package dev.portico.config;

import java.util.Arrays;
import java.util.Optional;

/** How Portico obtains the tokens it sends to an upstream ({@code upstreams[].auth.grant}). */
public enum AuthGrant {
    /** A user signs in through the browser (authorization code with PKCE); tokens belong to the session. */
    AUTHORIZATION_CODE("authorization_code"),
    /**
     * Portico authenticates as itself with its client id and secret (RFC 6749 §4.4); no user is involved and one
     * token serves every session.
     */
    CLIENT_CREDENTIALS("client_credentials");

    private final String configName;

    AuthGrant(String configName) {
        this.configName = configName;
    }

    /** The name used in config and in OAuth {@code grant_type}. */
    public String configName() {
        return configName;
    }

    public static Optional<AuthGrant> fromConfigName(String name) {
        return Arrays.stream(values()).filter(g -> g.configName.equals(name)).findFirst();
    }
}
