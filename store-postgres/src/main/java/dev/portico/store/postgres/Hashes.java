package dev.portico.store.postgres;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The lookup keys stored in place of bearer values (states, start ids, owner ids, access tokens). */
final class Hashes {

    private Hashes() {}

    /**
     * SHA-256 of the UTF-8 bytes, in hex. States, start ids, session ids and tokens are random and long, so a hash
     * hides them without a salt; a principal name as owner is hidden less well, but it is no secret either.
     */
    static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
