package dev.portico.oauth.flow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Random values that identify a sign-in without saying anything about it: the OAuth {@code state}, the start link's
 * id and the browser-binding cookie.
 *
 * <p>32 random bytes (256 bits, twice the 128 that RFC 6749 §10.10 and the MCP authorization spec ask of {@code
 * state}) in base64url without padding, so the value is URL- and cookie-safe as it is. Safe for concurrent use: {@link
 * SecureRandom} is.
 */
public final class OpaqueValues {

    private static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private OpaqueValues() {}

    /** A fresh random value, 43 base64url characters. */
    public static String random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * The SHA-256 of {@code value} in base64url: what is stored of a browser-binding cookie, so that the store never
     * holds a value that could be replayed as the cookie.
     */
    public static String sha256(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return BASE64URL.encodeToString(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
