package dev.portico.oauth.storage;

/**
 * A store that can say how many entries it holds, for monitoring ({@code portico_store_entries}). In memory the
 * count is a field read; a database store runs one {@code count(*)}, so callers that ask often should cache the
 * answer.
 */
@FunctionalInterface
public interface EntryCount {

    /**
     * How many entries the store holds now, expired ones not yet swept included.
     *
     * @throws StorageUnavailableException if a shared store cannot be reached
     */
    long entryCount();
}
