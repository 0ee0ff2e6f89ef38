package dev.portico.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.Secret;
import dev.portico.store.postgres.FieldCipher.Place;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

    private static final Place PLACE = new Place("portico_tokens", "access_token", "row-1");

    @Test
    void aSealedValueOpensInItsPlaceAndTwoSealsOfOneValueDiffer() {
        FieldCipher cipher = new FieldCipher(EmbeddedDatabase.KEY_A, List.of());
        byte[] first = cipher.seal("the-token", PLACE);
        byte[] second = cipher.seal("the-token", PLACE);

        assertThat(cipher.open(first, PLACE).reveal()).isEqualTo("the-token");
        assertThat(first).isNotEqualTo(second);
        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("the-token");
    }

    @Test
    void aValueDoesNotOpenInAnotherRowOrColumn() {
        FieldCipher cipher = new FieldCipher(EmbeddedDatabase.KEY_A, List.of());
        byte[] sealed = cipher.seal("the-token", PLACE);

        assertThatThrownBy(() -> cipher.open(sealed, new Place("portico_tokens", "access_token", "row-2")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("copied from another row");
        assertThatThrownBy(() -> cipher.open(sealed, new Place("portico_tokens", "refresh_token", "row-1")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void previousKeysOpenOldValuesAndAnUnknownKeyIsNamedByItsId() {
        byte[] underA = new FieldCipher(EmbeddedDatabase.KEY_A, List.of()).seal("old", PLACE);
        FieldCipher rotated = new FieldCipher(EmbeddedDatabase.KEY_B, List.of(EmbeddedDatabase.KEY_A));

        assertThat(rotated.open(underA, PLACE).reveal()).isEqualTo("old");
        assertThat(rotated.currentKeyId())
                .isEqualTo(StorageKey.of(EmbeddedDatabase.KEY_B, "b").id());
        String idA = StorageKey.of(EmbeddedDatabase.KEY_A, "a").id();
        assertThatThrownBy(() -> new FieldCipher(EmbeddedDatabase.KEY_B, List.of()).open(underA, PLACE))
                .isInstanceOfSatisfying(UnknownStorageKeyException.class, e -> assertThat(e.keyId())
                        .isEqualTo(idA))
                .hasMessageContaining("key id " + idA);
    }

    @Test
    void aKeyShorterThan32BytesIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new FieldCipher(Secret.of("too-short-key"), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.encryptionKey is too short")
                .hasMessageNotContaining("too-short-key");
        assertThatThrownBy(() -> new FieldCipher(EmbeddedDatabase.KEY_A, List.of(Secret.of("short"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("storage.previousKeys[0]");
        assertThatThrownBy(() -> PostgresStorage.start(PostgresStorageSettings.of(
                        "jdbc:postgresql://localhost:1/none", "u", Optional.empty(), Secret.of("short"), List.of())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyIdIsSixteenHexDigitsAndDiffersBetweenKeys() {
        String a = StorageKey.of(EmbeddedDatabase.KEY_A, "a").id();
        assertThat(a).matches("[0-9a-f]{16}");
        assertThat(a).isNotEqualTo(StorageKey.of(EmbeddedDatabase.KEY_B, "b").id());
    }
}
