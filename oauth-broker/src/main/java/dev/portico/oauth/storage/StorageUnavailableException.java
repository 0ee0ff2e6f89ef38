package dev.portico.oauth.storage;

/**
 * A shared store (a database) could not be reached or failed to answer. Unchecked because the store interfaces
 * predate shared stores; the broker turns it into a "storage unavailable" answer for the one request, and the store
 * recovers by itself once the database is back.
 *
 * <p>The message names what failed and never a stored value.
 */
public final class StorageUnavailableException extends RuntimeException {

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageUnavailableException(String message) {
        super(message);
    }
}
