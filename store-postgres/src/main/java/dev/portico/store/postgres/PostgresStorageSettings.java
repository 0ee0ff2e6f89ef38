package dev.portico.store.postgres;

import dev.portico.config.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link PostgresStorage#start} needs, from plain values.
 *
 * @param jdbcUrl e.g. {@code jdbc:postgresql://db.internal:5432/portico}
 * @param username the database user; the schema is created (by migrations) in its default schema
 * @param password the user's password; empty for a server that needs none (trust or certificate authentication)
 * @param encryptionKey seals every secret written; text of at least 32 bytes (UTF-8), not decoded: see {@link
 *     StorageKey}
 * @param previousKeys keys used before a rotation, which open older values; never used to write
 * @param poolSize the most connections this replica opens
 * @param connectionTimeout how long a request waits for a connection before the database counts as unavailable
 * @param sweepInterval how often expired sign-ins are deleted
 * @param expiredRetention how long an expired sign-in stays, so that a late click reads "expired" and not "unknown"
 */
public record PostgresStorageSettings(
        String jdbcUrl,
        String username,
        Optional<Secret> password,
        Secret encryptionKey,
        List<Secret> previousKeys,
        int poolSize,
        Duration connectionTimeout,
        Duration sweepInterval,
        Duration expiredRetention) {

    public static final int DEFAULT_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_EXPIRED_RETENTION = PostgresSignInStore.EXPIRED_RETENTION_DEFAULT;

    public PostgresStorageSettings {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("storage.url must start with jdbc:postgresql:");
        }
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(encryptionKey, "encryptionKey");
        previousKeys = List.copyOf(previousKeys);
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be positive: " + poolSize);
        }
        requirePositive(connectionTimeout, "connectionTimeout");
        requirePositive(sweepInterval, "sweepInterval");
        Objects.requireNonNull(expiredRetention, "expiredRetention");
        if (expiredRetention.isNegative()) {
            throw new IllegalArgumentException("expiredRetention must not be negative: " + expiredRetention);
        }
    }

    /** With the default pool, timeouts and sweeping. */
    public static PostgresStorageSettings of(
            String jdbcUrl,
            String username,
            Optional<Secret> password,
            Secret encryptionKey,
            List<Secret> previousKeys) {
        return new PostgresStorageSettings(
                jdbcUrl,
                username,
                password,
                encryptionKey,
                previousKeys,
                DEFAULT_POOL_SIZE,
                DEFAULT_CONNECTION_TIMEOUT,
                DEFAULT_SWEEP_INTERVAL,
                DEFAULT_EXPIRED_RETENTION);
    }

    public PostgresStorageSettings withKeys(Secret newEncryptionKey, List<Secret> newPreviousKeys) {
        return new PostgresStorageSettings(
                jdbcUrl,
                username,
                password,
                newEncryptionKey,
                newPreviousKeys,
                poolSize,
                connectionTimeout,
                sweepInterval,
                expiredRetention);
    }

    public PostgresStorageSettings withSweeping(Duration newSweepInterval, Duration newExpiredRetention) {
        return new PostgresStorageSettings(
                jdbcUrl,
                username,
                password,
                encryptionKey,
                previousKeys,
                poolSize,
                connectionTimeout,
                newSweepInterval,
                newExpiredRetention);
    }

    public PostgresStorageSettings withPool(int newPoolSize, Duration newConnectionTimeout) {
        return new PostgresStorageSettings(
                jdbcUrl,
                username,
                password,
                encryptionKey,
                previousKeys,
                newPoolSize,
                newConnectionTimeout,
                sweepInterval,
                expiredRetention);
    }

    /** The JDBC URL without its query, which may carry a password: for messages and logs. */
    public String displayUrl() {
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query) + "?…";
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** Never shows the password or the keys. */
    @Override
    public String toString() {
        return "PostgresStorageSettings[jdbcUrl=" + displayUrl() + ", username=" + username + ", password="
                + (password.isPresent() ? Secret.REDACTED : "none") + ", encryptionKey=" + Secret.REDACTED
                + ", previousKeys=" + previousKeys.size() + ", poolSize=" + poolSize + "]";
    }
}
