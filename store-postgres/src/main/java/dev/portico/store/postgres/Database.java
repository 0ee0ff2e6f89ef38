package dev.portico.store.postgres;

import dev.portico.oauth.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs the stores' statements on pooled connections and turns every {@link SQLException} into the broker's {@link
 * StorageUnavailableException}, naming the operation and the SQLState only (a driver message may quote values).
 *
 * <p>No connection outlives one call, so a connection that died with the database is never reused: the pool drops it
 * and opens new ones once the database is back.
 */
final class Database {

    /** The work done on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Like {@link Work}, for a transaction whose work may throw a checked exception of its own. */
    @FunctionalInterface
    interface TransactionWork<T, E extends Exception> {
        T run(Connection connection) throws SQLException, E;
    }

    private final DataSource dataSource;

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} on a connection in auto-commit mode: each statement is its own transaction. */
    <T> T run(String operation, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(operation, e);
        }
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws; an exception of
     * {@code work}'s own reaches the caller as it is.
     */
    <T, E extends Exception> T inTransaction(String operation, TransactionWork<T, E> work) throws E {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (Throwable e) {
                rollbackQuietly(connection, e);
                throw e;
            } finally {
                restoreAutoCommit(connection);
            }
        } catch (SQLException e) {
            throw unavailable(operation, e);
        }
    }

    /**
     * The common table expressions that keep {@code table} within an owner's cap and a total cap, oldest first,
     * for a statement that goes on with {@code SELECT ...} over {@code evicted}: {@code beyond_owner} and {@code
     * beyond_total} pick the rows past each cap in {@code order} (newest first), and {@code evicted} deletes them,
     * returning for each whether it was past the owner's cap. One statement, so the check and the deletion are one
     * transaction and one round trip. Its parameters, in order: the owner hash, the rows the owner may keep, and twice
     * the rows all may keep.
     *
     * @param key a column that names one row
     * @param order an {@code ORDER BY} list that sorts newest first
     * @param guard a condition the deletion also needs (e.g. that a row was inserted), or {@code TRUE}
     */
    static String capTrim(String table, String key, String order, String guard) {
        // The EXISTS is evaluated once, before anything is sorted: below the total cap (the usual case) it stops a
        // scan of the table at the cap instead of sorting the whole table on every write.
        return "beyond_owner AS (SELECT " + key + " FROM " + table + " WHERE owner_hash = ? ORDER BY " + order
                + " OFFSET ?), beyond_total AS (SELECT " + key + " FROM " + table + " WHERE EXISTS (SELECT 1 FROM "
                + table + " OFFSET ? LIMIT 1) ORDER BY " + order + " OFFSET ?), evicted AS (DELETE FROM " + table
                + " WHERE " + guard + " AND " + key + " IN (SELECT "
                + key + " FROM beyond_owner UNION SELECT " + key + " FROM beyond_total) RETURNING " + key
                + " IN (SELECT " + key + " FROM beyond_owner) AS own)";
    }

    /** The counts a {@link #capTrim} statement ends with: {@code own_evicted}, {@code other_evicted}. */
    static final String EVICTED_COUNTS = "(SELECT count(*) FROM evicted WHERE own) AS own_evicted,"
            + " (SELECT count(*) FROM evicted WHERE NOT own) AS other_evicted";

    /** The rows of {@code table} (one of the stores' own table names, never input). */
    long count(String table) {
        return run("counting " + table, connection -> {
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM " + table);
                    ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    static StorageUnavailableException unavailable(String operation, SQLException e) {
        String state = e.getSQLState() == null ? "no SQLState" : "SQLState " + e.getSQLState();
        return new StorageUnavailableException(
                "PostgreSQL storage: " + operation + " failed (" + state + "); is the database reachable?", e);
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException rollback) {
            cause.addSuppressed(rollback);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // A broken connection: the pool finds out and drops it.
        }
    }
}
