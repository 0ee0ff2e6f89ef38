package dev.portico.oauth.inbound;

import java.util.Objects;

/**
 * A bearer token Portico does not accept, with what goes back to the client (RFC 6750 §3.1). The message is the
 * {@code error_description}: short, for a developer, and never the token or a claim value from it.
 */
public final class InboundTokenException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The RFC 6750 error code and the HTTP status that carries it. */
    public enum Error {
        /** Malformed, expired, revoked, for another audience or issuer, or badly signed: 401. */
        INVALID_TOKEN("invalid_token", 401),
        /** Valid, but without a scope Portico requires: 403. */
        INSUFFICIENT_SCOPE("insufficient_scope", 403),
        /** The issuer's keys could not be fetched, so no token can be checked now: 503. */
        TEMPORARILY_UNAVAILABLE("temporarily_unavailable", 503);

        private final String code;
        private final int status;

        Error(String code, int status) {
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    private final Error error;

    public InboundTokenException(Error error, String description) {
        super(Objects.requireNonNull(description, "description"));
        this.error = Objects.requireNonNull(error, "error");
    }

    public InboundTokenException(Error error, String description, Throwable cause) {
        super(Objects.requireNonNull(description, "description"), cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    public Error error() {
        return error;
    }
}
