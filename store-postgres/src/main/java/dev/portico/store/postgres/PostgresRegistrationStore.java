package dev.portico.store.postgres;

import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.RegisteredClient;
import dev.portico.oauth.client.RegistrationStore;
import dev.portico.oauth.storage.EntryCount;
import dev.portico.store.postgres.FieldCipher.Place;
import java.net.URI;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * {@link RegistrationStore} in PostgreSQL: one dynamic client registration per authorization server and redirect
 * URI, shared by the replicas and kept across restarts. The client secret is sealed by the {@link FieldCipher}; the
 * client id and method are no secret (they travel in authorization URLs).
 */
final class PostgresRegistrationStore implements RegistrationStore, EntryCount {

    private static final String TABLE = "portico_client_registrations";

    private final Database db;
    private final FieldCipher cipher;

    PostgresRegistrationStore(Database db, FieldCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public Optional<RegisteredClient> find(String issuer, URI redirectUri) {
        return db.run("reading a client registration", connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT client_id, auth_method,"
                    + " client_secret_enc, secret_expires_at FROM " + TABLE
                    + " WHERE issuer = ? AND redirect_uri = ?")) {
                select.setString(1, issuer);
                select.setString(2, redirectUri.toString());
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    String method = row.getString("auth_method");
                    byte[] sealed = row.getBytes("client_secret_enc");
                    Optional<Secret> secret = sealed == null
                            ? Optional.empty()
                            : Optional.of(cipher.open(sealed, place(issuer, redirectUri)));
                    ClientIdentity identity = new ClientIdentity(
                            new ClientID(row.getString("client_id")),
                            secret,
                            ClientAuthMethod.fromConfigName(method)
                                    .orElseThrow(() -> new IllegalStateException(
                                            "a stored client registration has an unknown auth method: " + method)),
                            ClientIdentity.Source.DYNAMIC_REGISTRATION);
                    OffsetDateTime expires = row.getObject("secret_expires_at", OffsetDateTime.class);
                    return Optional.of(new RegisteredClient(
                            identity, Optional.ofNullable(expires).map(OffsetDateTime::toInstant)));
                }
            }
        });
    }

    @Override
    public void put(String issuer, URI redirectUri, RegisteredClient client) {
        ClientIdentity identity = client.identity();
        db.run("storing a client registration", connection -> {
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + TABLE
                    + " (issuer, redirect_uri, client_id, auth_method, client_secret_enc, secret_expires_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (issuer, redirect_uri) DO UPDATE SET"
                    + " client_id = excluded.client_id, auth_method = excluded.auth_method,"
                    + " client_secret_enc = excluded.client_secret_enc,"
                    + " secret_expires_at = excluded.secret_expires_at, registered_at = now()")) {
                upsert.setString(1, issuer);
                upsert.setString(2, redirectUri.toString());
                upsert.setString(3, identity.clientId().getValue());
                upsert.setString(4, identity.method().configName());
                if (identity.secret().isPresent()) {
                    upsert.setBytes(5, cipher.seal(identity.secret().get().reveal(), place(issuer, redirectUri)));
                } else {
                    upsert.setNull(5, Types.BINARY);
                }
                if (client.secretExpiresAt().isPresent()) {
                    upsert.setObject(
                            6, OffsetDateTime.ofInstant(client.secretExpiresAt().get(), ZoneOffset.UTC));
                } else {
                    upsert.setNull(6, Types.TIMESTAMP_WITH_TIMEZONE);
                }
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public void remove(String issuer, URI redirectUri) {
        db.run("removing a client registration", connection -> {
            try (PreparedStatement delete =
                    connection.prepareStatement("DELETE FROM " + TABLE + " WHERE issuer = ? AND redirect_uri = ?")) {
                delete.setString(1, issuer);
                delete.setString(2, redirectUri.toString());
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
        return "PostgresRegistrationStore[table=" + TABLE + "]";
    }

    private static Place place(String issuer, URI redirectUri) {
        return new Place(TABLE, "client_secret", issuer + "\n" + redirectUri);
    }
}
