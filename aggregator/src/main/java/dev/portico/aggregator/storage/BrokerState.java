package dev.portico.aggregator.storage;

import dev.portico.oauth.BrokerSettings;
import java.util.Optional;

/**
 * Where the OAuth broker keeps what outlives a request: pending sign-ins, tokens and client registrations. In this
 * process (the default: a restart forgets them), or in a database that several replicas share, so that any replica
 * can finish a sign-in another started and a restart loses nothing.
 */
public interface BrokerState extends AutoCloseable {

    /** {@code settings} with this state's stores. */
    BrokerSettings applyTo(BrokerSettings settings);

    /**
     * Whether other processes share this state, so that sign-ins can finish where this process does not hear of
     * them.
     */
    boolean shared();

    /** Why new sign-ins cannot be stored now, for {@code /readyz}; empty while they can. */
    Optional<String> unavailable();

    @Override
    void close();

    /** The broker's own in-memory stores: nothing is shared, nothing survives a restart. */
    static BrokerState inProcess() {
        return new BrokerState() {
            @Override
            public BrokerSettings applyTo(BrokerSettings settings) {
                return settings;
            }

            @Override
            public boolean shared() {
                return false;
            }

            @Override
            public Optional<String> unavailable() {
                return Optional.empty();
            }

            @Override
            public void close() {}
        };
    }
}
