package dev.portico.store.postgres;

import dev.portico.config.Secret;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals secrets before they reach the database and opens them when they come back: AES-256-GCM with a random 96-bit
 * nonce per value.
 *
 * <p>A sealed value (a {@code bytea}) is {@code version (1 byte) | key id (8 bytes) | nonce (12 bytes) | ciphertext
 * and tag}. The key id says which key opens it, so that the key can be rotated: values are always sealed with the
 * current key, and opened with whichever key, current or previous, has their id. The associated data names the
 * table, the column and the row, so that a value copied into another row or column does not open.
 */
final class FieldCipher {

    private static final byte VERSION = 1;
    private static final int KEY_ID_BYTES = 8;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;

    private final StorageKey current;
    private final Map<String, StorageKey> byId = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param currentKey seals every new value
     * @param previousKeys open values sealed before a rotation
     * @throws IllegalArgumentException when a key is too short
     */
    FieldCipher(Secret currentKey, List<Secret> previousKeys) {
        this.current = StorageKey.of(currentKey, "storage.encryptionKey");
        byId.put(current.id(), current);
        for (int i = 0; i < previousKeys.size(); i++) {
            StorageKey previous = StorageKey.of(previousKeys.get(i), "storage.previousKeys[" + i + "]");
            byId.putIfAbsent(previous.id(), previous);
        }
    }

    /** The id of the key new values are sealed with. */
    String currentKeyId() {
        return current.id();
    }

    byte[] seal(String plaintext, Place place) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, current.aesKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(place.associatedData());
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
                    .put(VERSION)
                    .put(HexFormat.of().parseHex(current.id()))
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed for " + place, e);
        }
    }

    Secret open(byte[] envelope, Place place) {
        if (envelope.length < HEADER_BYTES || envelope[0] != VERSION) {
            throw new IllegalStateException(place + " is not a value sealed by this version of Portico");
        }
        String keyId = HexFormat.of().formatHex(envelope, 1, 1 + KEY_ID_BYTES);
        StorageKey key = byId.get(keyId);
        if (key == null) {
            throw new UnknownStorageKeyException(keyId, place.toString());
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    key.aesKey(),
                    new GCMParameterSpec(TAG_BITS, envelope, 1 + KEY_ID_BYTES, NONCE_BYTES));
            cipher.updateAAD(place.associatedData());
            byte[] plain = cipher.doFinal(envelope, HEADER_BYTES, envelope.length - HEADER_BYTES);
            return Secret.of(new String(plain, StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            throw new IllegalStateException(
                    place + " does not decrypt under key id " + keyId + ": it was altered, or copied from another row");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed for " + place, e);
        }
    }

    @Override
    public String toString() {
        return "FieldCipher[current=" + current.id() + ", readable=" + byId.keySet() + "]";
    }

    /**
     * Where a sealed value lives: the associated data of its encryption. The row is identified by hashes or other
     * non-secret key columns.
     */
    record Place(String table, String column, String row) {

        byte[] associatedData() {
            return (table + "\n" + column + "\n" + row).getBytes(StandardCharsets.UTF_8);
        }

        /** Names the table and column only: the row id may be long and says nothing to a reader. */
        @Override
        public String toString() {
            return table + "." + column;
        }
    }
}
