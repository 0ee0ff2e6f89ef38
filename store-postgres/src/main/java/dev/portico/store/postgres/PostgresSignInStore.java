package dev.portico.store.postgres;

import dev.portico.config.Secret;
import dev.portico.oauth.flow.BindOutcome;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StoreEvictions;
import dev.portico.store.postgres.FieldCipher.Place;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link SignInStore} in PostgreSQL: a sign-in started on one replica can be finished on any other.
 *
 * <p>The state and start id are found by their SHA-256; every secret of a sign-in (state, start id, owner, PKCE
 * verifier, authorization URL, client secret) is sealed by the {@link FieldCipher}. Expiry is the database's
 * business: {@code expires_at} is its {@code now()} at insert plus the sign-in's time to live, and every read
 * compares with its {@code now()}, so replicas with skewed clocks agree. {@link #take} is a single {@code DELETE ...
 * RETURNING}: of concurrent takes exactly one gets the row. Expired rows stay {@link #EXPIRED_RETENTION_DEFAULT} (so a
 * late click reads "expired") and are then swept by {@link PostgresStorage}'s background task.
 *
 * <p>At most {@code maxPerOwner} sign-ins are kept per owner and {@code maxTotal} in all: the insert that goes beyond
 * either deletes the oldest (by {@code created_at}) in the same statement, and {@link StoreEvictions} logs it and
 * tells the listener. Replicas inserting at the same moment may each trim, so the table can briefly hold a few less
 * than the cap, never more once both committed.
 */
final class PostgresSignInStore implements SignInStore, EntryCount {

    static final Duration EXPIRED_RETENTION_DEFAULT = Duration.ofMinutes(30);

    private static final String TABLE = "portico_sign_ins";
    private static final String COLUMNS = "state_hash, start_hash, owner_hash, upstream, flow_id, state_enc,"
            + " start_id_enc, owner_enc, verifier_enc, authorization_url_enc, client_secret_enc, details::text,"
            + " redirect_uri, browser_binding, expires_at <= now() AS expired";

    /**
     * Inserts a sign-in unless its state or start id is taken, and, only if it did, deletes the oldest beyond the
     * caps, in one statement.
     */
    private static final String INSERT_WITHIN_CAPS = "WITH inserted AS (INSERT INTO " + TABLE
            + " (state_hash, start_hash, owner_hash, upstream, flow_id, state_enc, start_id_enc, owner_enc,"
            + " verifier_enc, authorization_url_enc, client_secret_enc, details, redirect_uri, expires_at,"
            + " browser_binding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?,"
            + " now() + make_interval(secs => ?), ?) ON CONFLICT DO NOTHING RETURNING state_hash), "
            + Database.capTrim(TABLE, "state_hash", "created_at DESC, state_hash", "EXISTS (SELECT 1 FROM inserted)")
            + " SELECT (SELECT count(*) FROM inserted) AS inserted, " + Database.EVICTED_COUNTS;

    private final Database db;
    private final FieldCipher cipher;
    private final int maxPerOwner;
    private final int maxTotal;
    private final StoreEvictions evictions;

    PostgresSignInStore(Database db, FieldCipher cipher, int maxPerOwner, int maxTotal, EvictionListener listener) {
        this.db = db;
        this.cipher = cipher;
        this.maxPerOwner = maxPerOwner;
        this.maxTotal = maxTotal;
        this.evictions = new StoreEvictions(StoreEvictions.SIGN_INS, listener);
    }

    @Override
    public void put(PendingSignIn signIn) {
        String stateHash = Hashes.sha256(signIn.state().reveal());
        String ownerHash = Hashes.sha256(signIn.owner());
        Duration ttl = Duration.between(signIn.createdAt(), signIn.expiresAt());
        int inserted = db.run("storing a sign-in", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT_WITHIN_CAPS)) {
                int i = 0;
                insert.setString(++i, stateHash);
                insert.setString(++i, Hashes.sha256(signIn.startId()));
                insert.setString(++i, ownerHash);
                insert.setString(++i, signIn.upstream());
                insert.setString(++i, signIn.flowId());
                insert.setBytes(++i, cipher.seal(signIn.state().reveal(), place("state", stateHash)));
                insert.setBytes(++i, cipher.seal(signIn.startId(), place("start_id", stateHash)));
                insert.setBytes(++i, cipher.seal(signIn.owner(), place("owner", stateHash)));
                insert.setBytes(++i, cipher.seal(signIn.verifier().reveal(), place("verifier", stateHash)));
                insert.setBytes(
                        ++i, cipher.seal(signIn.authorizationUrl().toString(), place("authorization_url", stateHash)));
                Optional<Secret> clientSecret =
                        signIn.target().tokenEndpoint().client().secret();
                if (clientSecret.isPresent()) {
                    insert.setBytes(++i, cipher.seal(clientSecret.get().reveal(), place("client_secret", stateHash)));
                } else {
                    insert.setNull(++i, Types.BINARY);
                }
                insert.setString(++i, SignInDetails.write(signIn.target(), signIn.createdAt(), signIn.expiresAt()));
                insert.setString(++i, signIn.redirectUri().toString());
                insert.setDouble(++i, ttl.toNanos() / 1e9);
                insert.setString(++i, signIn.browserBinding().orElse(null));
                // The deletion sees the table as it was before the insert: one less than each cap may stay.
                insert.setString(++i, ownerHash);
                insert.setInt(++i, maxPerOwner - 1);
                insert.setInt(++i, maxTotal - 1);
                insert.setInt(++i, maxTotal - 1);
                try (ResultSet result = insert.executeQuery()) {
                    result.next();
                    evictions.sessionCapReached(signIn.owner(), result.getInt("own_evicted"), maxPerOwner);
                    evictions.totalCapReached(result.getInt("other_evicted"), maxTotal);
                    return result.getInt("inserted");
                }
            }
        });
        if (inserted == 0) {
            throw new SignInCollisionException();
        }
    }

    @Override
    public SignInLookup findByStartId(String startId) {
        return db.run("reading a sign-in", connection -> {
            try (PreparedStatement select =
                    connection.prepareStatement("SELECT " + COLUMNS + " FROM " + TABLE + " WHERE start_hash = ?")) {
                select.setString(1, Hashes.sha256(startId));
                return lookup(select);
            }
        });
    }

    @Override
    public SignInLookup take(String state) {
        return db.run("taking a sign-in", connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + TABLE + " WHERE state_hash = ? RETURNING " + COLUMNS)) {
                delete.setString(1, Hashes.sha256(state));
                return lookup(delete);
            }
        });
    }

    @Override
    public BindOutcome bindBrowser(String startId, String bindingHash) {
        String startHash = Hashes.sha256(startId);
        return db.run("binding a sign-in to a browser", connection -> {
            try (PreparedStatement bind = connection.prepareStatement("UPDATE " + TABLE
                    + " SET browser_binding = ? WHERE start_hash = ? AND browser_binding IS NULL"
                    + " AND expires_at > now()")) {
                bind.setString(1, bindingHash);
                bind.setString(2, startHash);
                if (bind.executeUpdate() == 1) {
                    return BindOutcome.BOUND;
                }
            }
            // Not bound now: say why. A row taken meanwhile is simply unknown.
            try (PreparedStatement select = connection.prepareStatement("SELECT browser_binding,"
                    + " expires_at <= now() AS expired FROM " + TABLE + " WHERE start_hash = ?")) {
                select.setString(1, startHash);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return BindOutcome.UNKNOWN;
                    }
                    if (row.getBoolean("expired")) {
                        return BindOutcome.EXPIRED;
                    }
                    return bindingHash.equals(row.getString("browser_binding"))
                            ? BindOutcome.SAME_BROWSER
                            : BindOutcome.OTHER_BROWSER;
                }
            }
        });
    }

    @Override
    public void forget(String owner) {
        db.run("forgetting sign-ins", connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM " + TABLE + " WHERE owner_hash = ?")) {
                delete.setString(1, Hashes.sha256(owner));
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public void forget(String owner, String upstream) {
        db.run("forgetting sign-ins", connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM " + TABLE + " WHERE owner_hash = ? AND upstream = ?")) {
                delete.setString(1, Hashes.sha256(owner));
                delete.setString(2, upstream);
                return delete.executeUpdate();
            }
        });
    }

    /** Deletes the sign-ins that expired more than {@code retention} ago, by the database's clock. */
    int sweep(Duration retention) {
        return db.run("sweeping expired sign-ins", connection -> {
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
        return "PostgresSignInStore[table=" + TABLE + "]";
    }

    private SignInLookup lookup(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return new SignInLookup.Unknown();
            }
            PendingSignIn signIn = signIn(row);
            return row.getBoolean("expired") ? new SignInLookup.Expired(signIn) : new SignInLookup.Found(signIn);
        }
    }

    private PendingSignIn signIn(ResultSet row) throws SQLException {
        String stateHash = row.getString("state_hash");
        byte[] sealedClientSecret = row.getBytes("client_secret_enc");
        Optional<Secret> clientSecret = sealedClientSecret == null
                ? Optional.empty()
                : Optional.of(cipher.open(sealedClientSecret, place("client_secret", stateHash)));
        SignInDetails details = SignInDetails.read(row.getString("details"));
        return new PendingSignIn(
                cipher.open(row.getBytes("state_enc"), place("state", stateHash)),
                cipher.open(row.getBytes("start_id_enc"), place("start_id", stateHash))
                        .reveal(),
                row.getString("flow_id"),
                cipher.open(row.getBytes("owner_enc"), place("owner", stateHash))
                        .reveal(),
                details.target(clientSecret),
                URI.create(row.getString("redirect_uri")),
                cipher.open(row.getBytes("verifier_enc"), place("verifier", stateHash)),
                URI.create(cipher.open(row.getBytes("authorization_url_enc"), place("authorization_url", stateHash))
                        .reveal()),
                details.createdAtInstant(),
                details.expiresAtInstant(),
                Optional.ofNullable(row.getString("browser_binding")));
    }

    private static Place place(String column, String stateHash) {
        return new Place(TABLE, column, stateHash);
    }
}
