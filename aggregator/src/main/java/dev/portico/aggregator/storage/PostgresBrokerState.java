package dev.portico.aggregator.storage;

import dev.portico.config.LimitsConfig;
import dev.portico.config.StorageConfig;
import dev.portico.oauth.BrokerSettings;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.store.postgres.PostgresStorage;
import dev.portico.store.postgres.PostgresStorageSettings;
import java.util.Optional;

/** The broker's state in PostgreSQL, shared by every replica that names the same database. */
final class PostgresBrokerState implements BrokerState {

    private final PostgresStorage storage;

    private PostgresBrokerState(PostgresStorage storage) {
        this.storage = storage;
    }

    /** Connects, applies the schema migrations and starts the sweeper; fails when the database cannot be used. */
    static PostgresBrokerState start(StorageConfig config, LimitsConfig limits, EvictionListener evictions) {
        PostgresStorageSettings settings = PostgresStorageSettings.of(
                        config.url().orElseThrow(),
                        config.username().orElse(""),
                        config.password(),
                        config.encryptionKey().orElseThrow(),
                        config.previousEncryptionKeys())
                .withPool(config.maxPoolSize(), PostgresStorageSettings.DEFAULT_CONNECTION_TIMEOUT)
                .withSweeping(config.sweepInterval(), PostgresStorageSettings.DEFAULT_EXPIRED_RETENTION);
        return new PostgresBrokerState(PostgresStorage.start(settings, limits, evictions));
    }

    @Override
    public BrokerSettings applyTo(BrokerSettings settings) {
        return settings.withSignInStore(storage.signInStore())
                .withTokenStore(storage.tokenStore())
                .withRegistrationStore(storage.registrationStore());
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Optional<String> unavailable() {
        return storage.isAvailable() ? Optional.empty() : Optional.of("the database does not answer");
    }

    @Override
    public void close() {
        storage.close();
    }
}
