package dev.portico.store.postgres;

import dev.portico.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for one test class, started by the test itself (zonky's embedded binaries, fetched from
 * Maven Central as a test dependency). Its data directory and port stay fixed, so that it can be stopped and started
 * again under a running {@link PostgresStorage}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    public static final Secret KEY_A = Secret.of("key-A-0123456789-0123456789-0123456789");
    public static final Secret KEY_B = Secret.of("key-B-9876543210-9876543210-9876543210");

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public static EmbeddedDatabase start() {
        try {
            EmbeddedDatabase database = new EmbeddedDatabase(Files.createTempDirectory("portico-pg"), freePort());
            database.startServer();
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startServer() {
        try {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stopServer() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings for a replica of Portico on this database, writing with {@code key}. */
    public PostgresStorageSettings settings(Secret key, Secret... previousKeys) {
        return PostgresStorageSettings.of(jdbcUrl(), "postgres", Optional.empty(), key, List.of(previousKeys))
                .withPool(10, Duration.ofSeconds(1));
    }

    /** The JDBC URL of the database Portico uses; log in as {@code postgres} without a password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** A plain connection, to look at the rows as an operator would. */
    public Connection connect() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    @Override
    public void close() {
        stopServer();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
