package dev.portico.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.portico.config.LimitsConfig;
import dev.portico.oauth.client.RegistrationStore;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.token.TokenStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth broker's stores in one PostgreSQL database, shared by every replica pointed at it: start it once per
 * process, hand its stores to the broker ({@code BrokerSettings.withSignInStore} and the like), ask it {@link
 * #isAvailable()} for {@code /readyz}, and {@link #close()} it last.
 *
 * <p>{@link #start} checks the keys, opens a connection pool (HikariCP) and applies the schema migrations (Flyway,
 * {@code db/migration}; concurrent starts of several replicas are serialized by Flyway's lock). It fails when the
 * database cannot be reached then: a replica that starts without its storage would only fail every sign-in. Once
 * started, a database outage makes the stores throw {@link StorageUnavailableException}, and they work again by
 * themselves when it is back: the pool replaces dead connections, and nothing else holds one.
 *
 * <p>A background thread deletes expired sign-ins, and token sets abandoned for {@link #ABANDONED_TOKEN_RETENTION}
 * after they expired, every {@link PostgresStorageSettings#sweepInterval()}.
 */
public final class PostgresStorage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresStorage.class);
    private static final Duration AVAILABILITY_CACHE = Duration.ofSeconds(1);
    private static final Duration LAST_READ_LIFETIME = Duration.ofHours(1);
    private static final int LAST_READ_OWNERS = 10_000;

    private final HikariDataSource dataSource;
    /**
     * How long after its access token expired a token set is kept: long enough that a session idle for weeks still
     * renews it, short enough that the sets of sessions that vanished with a crashed replica do not pile up.
     */
    static final Duration ABANDONED_TOKEN_RETENTION = Duration.ofDays(30);

    private final PostgresSignInStore signIns;
    private final PostgresTokenStore tokens;
    private final PostgresRegistrationStore registrations;
    private final ScheduledExecutorService sweeper;
    private final Availability availability;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String displayUrl;

    private PostgresStorage(
            HikariDataSource dataSource,
            FieldCipher cipher,
            PostgresStorageSettings settings,
            LimitsConfig limits,
            EvictionListener evictions) {
        this.dataSource = dataSource;
        this.displayUrl = settings.displayUrl();
        Database db = new Database(dataSource);
        this.signIns = new PostgresSignInStore(
                db, cipher, limits.maxPendingSignInsPerSession(), limits.maxPendingSignIns(), evictions);
        this.tokens = new PostgresTokenStore(
                db,
                cipher,
                LAST_READ_OWNERS,
                LAST_READ_LIFETIME,
                limits.maxTokenSetsPerSession(),
                limits.maxTokenSets(),
                evictions);
        this.registrations = new PostgresRegistrationStore(db, cipher);
        this.availability = new Availability(this::ping, AVAILABILITY_CACHE);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "portico-storage-sweeper");
            thread.setDaemon(true);
            return thread;
        });
        long every = settings.sweepInterval().toMillis();
        Duration retention = settings.expiredRetention();
        sweeper.scheduleWithFixedDelay(() -> sweep(retention), every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Connects, migrates the schema and starts sweeping.
     *
     * @throws IllegalArgumentException when a key is shorter than 32 bytes
     * @throws StorageUnavailableException when the database cannot be reached or migrated
     */
    public static PostgresStorage start(PostgresStorageSettings settings) {
        return start(settings, LimitsConfig.defaults(), EvictionListener.NONE);
    }

    /**
     * Connects, migrates the schema and starts sweeping; the stores keep to the caps of {@code limits} ({@code
     * maxPendingSignIns*}, {@code maxTokenSets*}) and tell {@code evictions} when they drop entries to do so.
     *
     * @throws IllegalArgumentException when a key is shorter than 32 bytes
     * @throws StorageUnavailableException when the database cannot be reached or migrated
     */
    public static PostgresStorage start(
            PostgresStorageSettings settings, LimitsConfig limits, EvictionListener evictions) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(evictions, "evictions");
        FieldCipher cipher = new FieldCipher(settings.encryptionKey(), settings.previousKeys());
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(poolConfig(settings));
        } catch (RuntimeException e) {
            throw new StorageUnavailableException(
                    "PostgreSQL storage at " + settings.displayUrl() + " cannot be reached: "
                            + e.getClass().getSimpleName(),
                    e);
        }
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .table("portico_schema_history")
                    .load()
                    .migrate();
            PostgresStorage storage = new PostgresStorage(dataSource, cipher, settings, limits, evictions);
            LOG.info(
                    "PostgreSQL storage ready at {} (encryption key id {})",
                    settings.displayUrl(),
                    cipher.currentKeyId());
            return storage;
        } catch (FlywayException e) {
            dataSource.close();
            throw new StorageUnavailableException(
                    "PostgreSQL storage at " + settings.displayUrl() + ": applying the schema migrations failed", e);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    private static HikariConfig poolConfig(PostgresStorageSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("portico-storage");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.username());
        settings.password().ifPresent(password -> config.setPassword(password.reveal()));
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(2, settings.poolSize()));
        config.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
        config.setValidationTimeout(
                Math.max(250, Math.min(settings.connectionTimeout().toMillis(), 2_000)));
        // Fail start when the database is not there: see the class comment.
        config.setInitializationFailTimeout(settings.connectionTimeout().toMillis());
        // Bound each statement, so a half-dead database cannot hang a request for the OS's TCP timeout.
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty(
                "connectTimeout",
                String.valueOf(Math.max(1, settings.connectionTimeout().toSeconds())));
        return config;
    }

    /** Where started sign-ins wait: hand to {@code BrokerSettings.withSignInStore}. */
    public SignInStore signInStore() {
        return signIns;
    }

    /** Where tokens are kept: hand to {@code BrokerSettings.withTokenStore}. */
    public TokenStore tokenStore() {
        return tokens;
    }

    /** Where dynamic client registrations are kept: hand to {@code BrokerSettings.withRegistrationStore}. */
    public RegistrationStore registrationStore() {
        return registrations;
    }

    /**
     * Whether the database answered a ping within the connection timeout, asked at most once a second however often
     * {@code /readyz} is polled. False once closed.
     */
    public boolean isAvailable() {
        return !closed.get() && availability.get();
    }

    /** Stops the sweeper and closes the pool. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        sweeper.shutdownNow();
        dataSource.close();
    }

    @Override
    public String toString() {
        return "PostgresStorage[" + displayUrl + (closed.get() ? ", closed" : "") + "]";
    }

    /** Deletes what expired more than {@code retention} ago, and survives an outage (the next round tries again). */
    void sweep(Duration retention) {
        try {
            int swept = signIns.sweep(retention);
            int abandoned = tokens.sweepAbandoned(ABANDONED_TOKEN_RETENTION);
            if (swept + abandoned > 0) {
                LOG.debug("swept {} expired sign-ins and {} abandoned token sets", swept, abandoned);
            }
        } catch (StorageUnavailableException e) {
            LOG.debug("sweep skipped: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("sweep of expired sign-ins and abandoned tokens failed", e);
        }
    }

    private boolean ping() {
        if (closed.get()) {
            return false;
        }
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid((int) Math.max(1, AVAILABILITY_CACHE.toSeconds()));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("storage ping failed: {}", e.getMessage());
            return false;
        }
    }
}
