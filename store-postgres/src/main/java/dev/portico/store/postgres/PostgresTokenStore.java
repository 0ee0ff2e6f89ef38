package dev.portico.store.postgres;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.storage.StoreEvictions;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import dev.portico.store.postgres.FieldCipher.Place;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TokenStore} in PostgreSQL: one row per owner, issuer, granted scopes and resource, so any replica sends the
 * token another obtained, and a restart loses none.
 *
 * <p>The owner is stored as its SHA-256 (a session id is a bearer at some transports); the access and refresh tokens
 * are sealed by the {@link FieldCipher}, and the access token's SHA-256 beside them tells whether a row still holds a
 * given set ({@link #remove}, {@link #renew}). {@link #renew} locks the row with {@code SELECT ... FOR UPDATE} in a
 * transaction held across the refresh request, so that replicas refreshing one set at once make one request and end
 * with one valid token. Expiry instants are kept to the microsecond, PostgreSQL's precision.
 *
 * <p>While the database cannot be reached, {@link #find} and {@link #issuers} answer from the last set list read for
 * the owner in this process (forgotten on every write, so it is only ever used during an outage): a call whose token
 * is still valid keeps working, a refresh or a new sign-in does not. Every other method throws {@link
 * StorageUnavailableException}.
 *
 * <p>As in memory, at most {@code maxPerOwner} sets are kept per owner and {@code maxTotal} in all: the write that goes
 * beyond either deletes the least recently stored in the same transaction, and {@link StoreEvictions} logs it and
 * tells the listener.
 */
final class PostgresTokenStore implements TokenStore, EntryCount {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTokenStore.class);
    private static final String TABLE = "portico_tokens";
    private static final String COLUMNS = "owner_hash, issuer, scopes, resource, access_token_enc, access_token_hash,"
            + " refresh_token_enc, expires_at, client_id, stored_order";

    /** Deletes the least recently stored sets beyond the owner's cap and the total, after a write. */
    private static final String TRIM_TO_CAPS = "WITH "
            + Database.capTrim(TABLE, "stored_order", "stored_order DESC", "TRUE") + " SELECT "
            + Database.EVICTED_COUNTS;

    private final Database db;
    private final FieldCipher cipher;
    private final Cache<String, List<TokenSet>> lastRead;
    private final int maxPerOwner;
    private final int maxTotal;
    private final StoreEvictions evictions;

    PostgresTokenStore(
            Database db,
            FieldCipher cipher,
            int lastReadOwners,
            Duration lastReadLifetime,
            int maxPerOwner,
            int maxTotal,
            EvictionListener listener) {
        this.db = db;
        this.cipher = cipher;
        this.maxPerOwner = maxPerOwner;
        this.maxTotal = maxTotal;
        this.evictions = new StoreEvictions(StoreEvictions.TOKENS, listener);
        this.lastRead = Caffeine.newBuilder()
                .maximumSize(lastReadOwners)
                .expireAfterWrite(lastReadLifetime)
                .build();
    }

    @Override
    public void put(String owner, TokenSet tokens) {
        written(
                owner,
                () -> db.inTransaction("storing a token set", connection -> {
                    upsert(connection, owner, tokens);
                    return null;
                }));
    }

    @Override
    public List<TokenSet> find(String owner, String issuer, Set<String> requiredScopes) {
        List<TokenSet> found = new ArrayList<>();
        for (TokenSet tokens : all(owner)) {
            if (tokens.issuer().equals(issuer) && tokens.covers(requiredScopes)) {
                found.add(tokens);
            }
        }
        return List.copyOf(found);
    }

    @Override
    public void remove(String owner, TokenSet tokens) {
        written(
                owner,
                () -> db.run("removing a token set", connection -> {
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE
                            + " WHERE owner_hash = ? AND issuer = ? AND scopes = ? AND resource = ?"
                            + " AND access_token_hash = ?")) {
                        bindKey(delete, 1, owner, tokens);
                        delete.setString(5, Hashes.sha256(tokens.accessToken().reveal()));
                        return delete.executeUpdate();
                    }
                }));
    }

    @Override
    public Set<String> issuers(String owner) {
        Set<String> issuers = new TreeSet<>();
        all(owner).forEach(tokens -> issuers.add(tokens.issuer()));
        return Set.copyOf(issuers);
    }

    @Override
    public List<TokenSet> removeIssuer(String owner, String issuer) {
        return written(
                owner,
                () -> db.run("removing an issuer's token sets", connection -> {
                    try (PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM " + TABLE + " WHERE owner_hash = ? AND issuer = ? RETURNING " + COLUMNS)) {
                        delete.setString(1, Hashes.sha256(owner));
                        delete.setString(2, issuer);
                        List<Row> rows = rows(delete);
                        rows.sort(Comparator.comparingLong(Row::order));
                        return rows.stream().map(Row::tokens).toList();
                    }
                }));
    }

    @Override
    public void forget(String owner) {
        written(
                owner,
                () -> db.run("forgetting token sets", connection -> {
                    try (PreparedStatement delete =
                            connection.prepareStatement("DELETE FROM " + TABLE + " WHERE owner_hash = ?")) {
                        delete.setString(1, Hashes.sha256(owner));
                        return delete.executeUpdate();
                    }
                }));
    }

    @Override
    public Optional<TokenSet> renew(String owner, TokenSet stale, Renewal renewal) throws TokenRequestException {
        lastRead.invalidate(owner);
        try {
            return db.inTransaction("renewing a token set", connection -> {
                Optional<Row> held;
                try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE
                        + " WHERE owner_hash = ? AND issuer = ? AND scopes = ? AND resource = ? FOR UPDATE")) {
                    bindKey(select, 1, owner, stale);
                    held = rows(select).stream().findFirst();
                }
                if (held.isEmpty()) {
                    return Optional.empty();
                }
                if (!held.get()
                        .accessTokenHash()
                        .equals(Hashes.sha256(stale.accessToken().reveal()))) {
                    // Renewed by another replica while this one waited for the lock: its result stands.
                    return Optional.of(held.get().tokens());
                }
                TokenSet renewed = renewal.renew(held.get().tokens());
                upsert(connection, owner, renewed);
                return Optional.of(renewed);
            });
        } finally {
            lastRead.invalidate(owner);
        }
    }

    /**
     * Runs a write and forgets the owner's last read before and after it, so that a read racing with the write
     * cannot leave the old sets behind for an outage to serve.
     */
    private <T> T written(String owner, Supplier<T> write) {
        lastRead.invalidate(owner);
        try {
            return write.get();
        } finally {
            lastRead.invalidate(owner);
        }
    }

    /** Every set of the owner, most recently stored first; the last answer while the database is unreachable. */
    private List<TokenSet> all(String owner) {
        try {
            List<TokenSet> sets = db.run("reading token sets", connection -> {
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT " + COLUMNS + " FROM " + TABLE + " WHERE owner_hash = ? ORDER BY stored_order DESC")) {
                    select.setString(1, Hashes.sha256(owner));
                    return rows(select).stream().map(Row::tokens).toList();
                }
            });
            lastRead.put(owner, sets);
            return sets;
        } catch (StorageUnavailableException e) {
            List<TokenSet> known = lastRead.getIfPresent(owner);
            if (known == null) {
                throw e;
            }
            LOG.warn(
                    "token storage unreachable; using the token sets last read for owner={}: {}",
                    LogIds.owner(owner),
                    e.getMessage());
            return known;
        }
    }

    private void upsert(Connection connection, String owner, TokenSet tokens) throws SQLException {
        String ownerHash = Hashes.sha256(owner);
        String row = rowId(ownerHash, tokens);
        try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + TABLE + " (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, nextval('portico_token_order'))"
                + " ON CONFLICT (owner_hash, issuer, scopes, resource) DO UPDATE SET"
                + " access_token_enc = excluded.access_token_enc, access_token_hash = excluded.access_token_hash,"
                + " refresh_token_enc = excluded.refresh_token_enc, expires_at = excluded.expires_at,"
                + " client_id = excluded.client_id, stored_order = excluded.stored_order")) {
            bindKey(upsert, 1, owner, tokens);
            upsert.setBytes(5, cipher.seal(tokens.accessToken().reveal(), place("access_token", row)));
            upsert.setString(6, Hashes.sha256(tokens.accessToken().reveal()));
            if (tokens.refreshToken().isPresent()) {
                upsert.setBytes(7, cipher.seal(tokens.refreshToken().get().reveal(), place("refresh_token", row)));
            } else {
                upsert.setNull(7, Types.BINARY);
            }
            if (tokens.expiresAt().isPresent()) {
                upsert.setObject(8, OffsetDateTime.ofInstant(tokens.expiresAt().get(), ZoneOffset.UTC));
            } else {
                upsert.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
            }
            upsert.setString(9, tokens.clientId());
            upsert.executeUpdate();
        }
        try (PreparedStatement trim = connection.prepareStatement(TRIM_TO_CAPS)) {
            trim.setString(1, ownerHash);
            trim.setInt(2, maxPerOwner);
            trim.setInt(3, maxTotal);
            trim.setInt(4, maxTotal);
            try (ResultSet result = trim.executeQuery()) {
                result.next();
                evictions.sessionCapReached(owner, result.getInt("own_evicted"), maxPerOwner);
                evictions.totalCapReached(result.getInt("other_evicted"), maxTotal);
            }
        }
    }

    /** Sets the four key parameters from {@code first} on: owner hash, issuer, scopes, resource. */
    private static void bindKey(PreparedStatement statement, int first, String owner, TokenSet tokens)
            throws SQLException {
        statement.setString(first, Hashes.sha256(owner));
        statement.setString(first + 1, tokens.issuer());
        statement.setString(first + 2, String.join(" ", tokens.scopes()));
        statement.setString(first + 3, tokens.resource().map(URI::toString).orElse(""));
    }

    private List<Row> rows(PreparedStatement statement) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.add(row(result));
            }
        }
        return rows;
    }

    private Row row(ResultSet result) throws SQLException {
        String issuer = result.getString("issuer");
        String scopes = result.getString("scopes");
        String resource = result.getString("resource");
        String row = rowId(result.getString("owner_hash"), issuer, scopes, resource);
        byte[] sealedRefresh = result.getBytes("refresh_token_enc");
        OffsetDateTime expiresAt = result.getObject("expires_at", OffsetDateTime.class);
        TokenSet tokens = new TokenSet(
                cipher.open(result.getBytes("access_token_enc"), place("access_token", row)),
                sealedRefresh == null
                        ? Optional.empty()
                        : Optional.of(cipher.open(sealedRefresh, place("refresh_token", row))),
                expiresAt == null ? Optional.empty() : Optional.of(expiresAt.toInstant()),
                scopes.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(scopes.split(" "))),
                issuer,
                resource.isEmpty() ? Optional.empty() : Optional.of(URI.create(resource)),
                result.getString("client_id"));
        return new Row(tokens, result.getString("access_token_hash"), result.getLong("stored_order"));
    }

    private static String rowId(String ownerHash, TokenSet tokens) {
        return rowId(
                ownerHash,
                tokens.issuer(),
                String.join(" ", tokens.scopes()),
                tokens.resource().map(URI::toString).orElse(""));
    }

    private static String rowId(String ownerHash, String issuer, String scopes, String resource) {
        return ownerHash + "\n" + issuer + "\n" + scopes + "\n" + resource;
    }

    private static Place place(String column, String row) {
        return new Place(TABLE, column, row);
    }

    /**
     * Deletes the token sets whose access token expired more than {@code retention} ago, by the database's clock:
     * those of sessions that ended without saying so (a crashed replica), which nobody can use any more. A live
     * session's set is renewed before it is used, so it never ages that far.
     */
    int sweepAbandoned(Duration retention) {
        return db.run("sweeping abandoned token sets", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + TABLE + " WHERE expires_at < now() - make_interval(secs => ?)")) {
                delete.setDouble(1, retention.toNanos() / 1e9);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public long entryCount() {
        return db.count(TABLE);
    }

    @Override
    public String toString() {
        return "PostgresTokenStore[table=" + TABLE + "]";
    }

    /** A row read back: the set, the hash that identifies its access token, and when it was stored. */
    private record Row(TokenSet tokens, String accessTokenHash, long order) {}
}
