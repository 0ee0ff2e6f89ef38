package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.oauth.client.RegisteredClient;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.token.TokenSet;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What an operator (or a thief of a backup) reads with plain SQL. */
class SecretsAtRestTest {

    private static final List<String> TABLES =
            List.of("portico_sign_ins", "portico_tokens", "portico_client_registrations");

    private static EmbeddedDatabase database;
    private static PostgresStorage storage;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
        storage = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A));
    }

    @AfterAll
    static void stop() {
        storage.close();
        database.close();
    }

    @Test
    void noRowHoldsAStateStartIdOwnerVerifierTokenOrClientSecretInThePlain() throws Exception {
        String owner = Fixtures.owner();
        PendingSignIn signIn = Fixtures.signIn(owner);
        storage.signInStore().put(signIn);
        TokenSet tokens = Fixtures.tokens();
        storage.tokenStore().put(owner, tokens);
        RegisteredClient client = new RegisteredClient(
                Fixtures.confidentialTarget().tokenEndpoint().client(), Optional.empty());
        storage.registrationStore().put(Fixtures.ISSUER, Fixtures.REDIRECT_URI, client);

        List<String> cells = everyCell();

        // The scan reads every column: the non-secret values are there in the plain.
        assertThat(cells).anyMatch(cell -> cell.contains(Fixtures.ISSUER));
        assertThat(cells).anyMatch(cell -> cell.contains(signIn.flowId()));
        assertThat(cells).anyMatch(cell -> cell.contains("portico-dcr-client"));
        for (String secret : List.of(
                signIn.state().reveal(),
                signIn.startId(),
                owner,
                signIn.verifier().reveal(),
                Fixtures.CLIENT_SECRET,
                tokens.accessToken().reveal(),
                tokens.refreshToken().orElseThrow().reveal())) {
            assertThat(cells).as("a stored cell").noneMatch(cell -> cell.contains(secret));
        }
    }

    @Test
    void aSealedValueCopiedIntoAnotherRowDoesNotOpen() throws Exception {
        PendingSignIn victim = Fixtures.signIn(Fixtures.owner());
        PendingSignIn attacker = Fixtures.signIn(Fixtures.owner());
        storage.signInStore().put(victim);
        storage.signInStore().put(attacker);
        try (Connection connection = database.connect();
                PreparedStatement copy = connection.prepareStatement("UPDATE portico_sign_ins SET verifier_enc ="
                        + " (SELECT verifier_enc FROM portico_sign_ins WHERE state_hash = ?) WHERE state_hash = ?")) {
            copy.setString(1, Hashes.sha256(victim.state().reveal()));
            copy.setString(2, Hashes.sha256(attacker.state().reveal()));
            assertThat(copy.executeUpdate()).isEqualTo(1);
        }

        assertThatThrownBy(() -> storage.signInStore().take(attacker.state().reveal()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("portico_sign_ins.verifier does not decrypt")
                .hasMessageNotContaining(victim.verifier().reveal());
    }

    /** Every cell of every table, bytea as UTF-8 (so plaintext bytes would show), the rest as text. */
    private static List<String> everyCell() throws SQLException {
        List<String> cells = new ArrayList<>();
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                try (ResultSet rows = statement.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        for (int column = 1; column <= meta.getColumnCount(); column++) {
                            Object value = rows.getObject(column);
                            if (value instanceof byte[] bytes) {
                                cells.add(new String(bytes, StandardCharsets.ISO_8859_1));
                            } else if (value != null) {
                                cells.add(value.toString());
                            }
                        }
                    }
                }
            }
        }
        assertThat(cells).isNotEmpty();
        return cells;
    }
}
