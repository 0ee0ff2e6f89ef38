package dev.portico.store.postgres;

import dev.portico.config.Secret;
import dev.portico.config.StorageConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One configured storage encryption key: the AES-256 key derived from it and the id stored beside every value sealed
 * with it.
 *
 * <p>The key's bytes are what {@link StorageConfig#keyBytes} makes of the configured text (base64 of at least 32
 * bytes is decoded, other text is taken as its UTF-8 bytes), the one rule the config check and this class share.
 * The AES key is HMAC-SHA256 of a fixed label under those bytes, so keys of any length ≥ 32 bytes give a 256-bit key.
 * The key id is the first 8 bytes of SHA-256 of the key's bytes, in hex: it tells keys apart without revealing the
 * AES key, which is a different function of them.
 */
final class StorageKey {

    /** The shortest key accepted: 256 bits if every byte were random. */
    static final int MIN_BYTES = StorageConfig.MIN_KEY_BYTES;

    private static final byte[] LABEL = "portico storage encryption v1 aes-256-gcm".getBytes(StandardCharsets.UTF_8);

    private final String id;
    private final SecretKeySpec aesKey;

    private StorageKey(String id, SecretKeySpec aesKey) {
        this.id = id;
        this.aesKey = aesKey;
    }

    /**
     * @param what how the key is named in the error, e.g. {@code "storage.encryptionKey"}
     * @throws IllegalArgumentException when the key is shorter than {@value #MIN_BYTES} bytes; the message says how
     *     long it is, never what it is
     */
    static StorageKey of(Secret key, String what) {
        Objects.requireNonNull(key, what);
        byte[] material;
        try {
            material = StorageConfig.keyBytes(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is too short: it must be at least " + MIN_BYTES
                    + " bytes (e.g. the output of `openssl rand -base64 32`)");
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material);
            String id = HexFormat.of().formatHex(digest, 0, 8);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(material, "HmacSHA256"));
            return new StorageKey(id, new SecretKeySpec(mac.doFinal(LABEL), "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 or HmacSHA256 is missing from this JDK", e);
        }
    }

    /** The 16 hex digits stored beside each value sealed with this key. */
    String id() {
        return id;
    }

    SecretKeySpec aesKey() {
        return aesKey;
    }

    @Override
    public String toString() {
        return "StorageKey[id=" + id + "]";
    }
}
