package dev.portico.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A value that must never be shown: a client secret, a token, a PKCE verifier, an authorization code.
 *
 * <p>{@link #toString()} is {@value #REDACTED}, and so is its JSON form ({@link JsonValue}), so a secret that slips
 * into a log line, an exception message or a JSON document that Jackson writes shows nothing. The value is read only through {@link #reveal()}, which makes
 * every place that sends it somewhere easy to find.
 */
public final class Secret {

    public static final String REDACTED = "[REDACTED]";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The value itself, for the one place that must send it. */
    public String reveal() {
        return value;
    }

    /** Compares in constant time, so that a comparison leaks nothing about where two values differ. */
    public boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret && matches(((Secret) other).value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    @JsonValue
    public String toString() {
        return REDACTED;
    }
}
