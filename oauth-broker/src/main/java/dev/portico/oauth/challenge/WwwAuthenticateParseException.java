package dev.portico.oauth.challenge;

import java.util.Objects;

/** A {@code WWW-Authenticate} field that does not follow RFC 9110 §11.6.1, or a challenge whose values make no sense. */
public final class WwwAuthenticateParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final WwwAuthenticateParseError error;

    public WwwAuthenticateParseException(WwwAuthenticateParseError error) {
        super(Objects.requireNonNull(error, "error").message());
        this.error = error;
    }

    public WwwAuthenticateParseError error() {
        return error;
    }
}
