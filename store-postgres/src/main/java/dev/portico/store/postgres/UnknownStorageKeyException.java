package dev.portico.store.postgres;

/**
 * A stored value was sealed with a key that is neither the current storage key nor one of the previous keys: the key
 * was rotated without keeping the old one among the previous keys.
 */
public final class UnknownStorageKeyException extends IllegalStateException {

    private final String keyId;

    UnknownStorageKeyException(String keyId, String where) {
        super("A stored value (" + where + ") is encrypted under key id " + keyId
                + ", which is neither the current storage.encryptionKey nor one of the previous keys; add the key "
                + "with id " + keyId + " to the previous keys to read it");
        this.keyId = keyId;
    }

    /** The id of the missing key: the first 8 bytes of SHA-256 of it, in hex. */
    public String keyId() {
        return keyId;
    }
}
