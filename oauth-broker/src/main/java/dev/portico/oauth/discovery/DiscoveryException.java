package dev.portico.oauth.discovery;

import java.util.Objects;

/**
 * Why the authorization of an upstream could not be discovered. The message names the URLs involved and the rule
 * that failed, and is safe to show to a user: it never holds a secret or a response body.
 */
public final class DiscoveryException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The class of failure, for callers that branch or count. */
    public enum Reason {
        /** No protected resource metadata could be obtained (RFC 9728 §3), or its server answered with an error. */
        PROTECTED_RESOURCE_METADATA,
        /** The metadata's {@code resource} does not cover the upstream's URL (RFC 9728 §3.3). */
        RESOURCE_MISMATCH,
        /** The challenge's {@code resource_metadata} is on another origin than the upstream, which config forbids. */
        RESOURCE_METADATA_ORIGIN,
        /** No authorization server metadata could be obtained (RFC 8414 §3), or its server answered with an error. */
        AUTHORIZATION_SERVER_METADATA,
        /** The authorization server metadata names another issuer than the one asked for (RFC 8414 §3.3). */
        ISSUER_MISMATCH,
        /** The authorization server does not list {@code S256} in {@code code_challenge_methods_supported}. */
        PKCE_UNSUPPORTED,
        /** The protected resource metadata names no authorization server and none is configured. */
        NO_AUTHORIZATION_SERVER,
        /** A metadata document is not JSON, or a field has the wrong type or an invalid value. */
        METADATA_INVALID,
        /** A metadata URL was refused by the outbound policy or could not be reached. */
        UNREACHABLE
    }

    private final Reason reason;

    public DiscoveryException(Reason reason, String message) {
        this(reason, message, null);
    }

    public DiscoveryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
