package dev.portico.oauth.client;

import java.util.Objects;

/**
 * Portico has no usable client identity at an authorization server: dynamic registration failed, the server offers
 * no way to get one, or the upstream's configured client is inconsistent.
 *
 * <p>The message is written for the person who has to act on it (a user who sees it in their MCP client, or the
 * admin who reads the log): it names the upstream, the issuer and what failed (HTTP status, RFC 7591 §3.2.2 {@code
 * error} and {@code error_description}), and says what to configure. It never holds a secret, and text that came from
 * the authorization server is stripped of control characters and shortened before it goes in.
 */
public final class ClientRegistrationException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String upstream;
    private final String issuer;

    ClientRegistrationException(String upstream, String issuer, String message) {
        this(upstream, issuer, message, null);
    }

    ClientRegistrationException(String upstream, String issuer, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.issuer = Objects.requireNonNull(issuer, "issuer");
    }

    /** The name of the upstream whose sign-in needed the client. */
    public String upstream() {
        return upstream;
    }

    /** The authorization server's issuer identifier. */
    public String issuer() {
        return issuer;
    }
}
