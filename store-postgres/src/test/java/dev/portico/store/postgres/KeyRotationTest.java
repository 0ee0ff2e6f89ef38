package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInLookup;
import dev.portico.oauth.token.TokenSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KeyRotationTest {

    private static EmbeddedDatabase database;

    @BeforeAll
    static void start() {
        database = EmbeddedDatabase.start();
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void afterARotationOldRowsOpenWithThePreviousKeyAndNewRowsAreSealedWithTheNewOne() throws Exception {
        String keyA = StorageKey.of(EmbeddedDatabase.KEY_A, "a").id();
        String keyB = StorageKey.of(EmbeddedDatabase.KEY_B, "b").id();
        String owner = Fixtures.owner();
        PendingSignIn before = Fixtures.signIn(owner);
        TokenSet tokens = Fixtures.tokens();
        try (PostgresStorage underA = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_A))) {
            underA.signInStore().put(before);
            underA.tokenStore().put(owner, tokens);
        }

        PendingSignIn after = Fixtures.signIn(owner);
        try (PostgresStorage rotated =
                PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_B, EmbeddedDatabase.KEY_A))) {
            assertThat(rotated.signInStore().findByStartId(before.startId())).isEqualTo(new SignInLookup.Found(before));
            assertThat(rotated.tokenStore().find(owner, Fixtures.ISSUER, Set.of()))
                    .containsExactly(tokens);
            rotated.signInStore().put(after);
        }
        assertThat(keyIdOfVerifier(before)).isEqualTo(keyA);
        assertThat(keyIdOfVerifier(after)).isEqualTo(keyB);

        try (PostgresStorage withoutA = PostgresStorage.start(database.settings(EmbeddedDatabase.KEY_B))) {
            assertThat(withoutA.signInStore().findByStartId(after.startId())).isEqualTo(new SignInLookup.Found(after));
            assertThatThrownBy(() -> withoutA.signInStore().findByStartId(before.startId()))
                    .isInstanceOf(UnknownStorageKeyException.class)
                    .hasMessageContaining("key id " + keyA)
                    .hasMessageContaining("previous keys");
            assertThatThrownBy(() -> withoutA.tokenStore().find(owner, Fixtures.ISSUER, Set.of()))
                    .isInstanceOf(UnknownStorageKeyException.class)
                    .hasMessageContaining(keyA);
        }
    }

    /** The key id bytes of the sealed verifier, read with SQL: byte 2 to 9 of the envelope. */
    private static String keyIdOfVerifier(PendingSignIn signIn) throws Exception {
        try (Connection connection = database.connect();
                PreparedStatement select = connection.prepareStatement("SELECT encode(substring(verifier_enc from 2"
                        + " for 8), 'hex') FROM portico_sign_ins WHERE state_hash = ?")) {
            select.setString(1, Hashes.sha256(signIn.state().reveal()));
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getString(1);
            }
        }
    }
}
