package dev.portico.aggregator.storage;

import dev.portico.config.StorageConfig;

/** The {@link BrokerState} a configuration asks for. */
public final class BrokerStates {

    private BrokerStates() {}

    /**
     * In this process for {@code type: memory}; in PostgreSQL for {@code type: postgres}, connected and migrated
     * before this returns.
     *
     * @throws dev.portico.oauth.storage.StorageUnavailableException if the database cannot be reached or migrated
     */
    public static BrokerState from(StorageConfig storage) {
        return storage.isPostgres() ? PostgresBrokerState.start(storage) : BrokerState.inProcess();
    }
}
