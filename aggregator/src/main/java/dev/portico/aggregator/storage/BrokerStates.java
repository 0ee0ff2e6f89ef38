package dev.portico.aggregator.storage;

import dev.portico.config.PorticoConfig;
import dev.portico.oauth.storage.EvictionListener;

/** The {@link BrokerState} a configuration asks for. */
public final class BrokerStates {

    private BrokerStates() {}

    /**
     * In this process for {@code storage.type: memory}; in PostgreSQL for {@code type: postgres}, connected and
     * migrated before this returns, with the caps of {@code limits} (the in-memory stores get theirs from the broker's
     * settings) and {@code evictions} told when a store drops entries to keep to them.
     *
     * @throws dev.portico.oauth.storage.StorageUnavailableException if the database cannot be reached or migrated
     */
    public static BrokerState from(PorticoConfig config, EvictionListener evictions) {
        return config.storage().isPostgres()
                ? PostgresBrokerState.start(config.storage(), config.limits(), evictions)
                : BrokerState.inProcess();
    }
}
