package dev.portico.config;

import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    /** 32 bytes 0, 1, ..., 31; their base64 has both '+' and '/' in the standard alphabet. */
    static final byte[] KEY_BYTES = bytes(0);

    static final String KEY = Base64.getEncoder().encodeToString(KEY_BYTES);
    static final String OLD_KEY = Base64.getEncoder().encodeToString(bytes(100));
    static final String URL = "jdbc:postgresql://db.example.com:5432/portico";

    @Test
    void whenStorageIsAbsentThenStateIsInMemory() {
        assertThat(parse("").storage()).isEqualTo(StorageConfig.memory());
        assertThat(parse("server: {port: 8080}\n").storage()).isEqualTo(StorageConfig.memory());
    }

    @Test
    void whenTypeIsMemoryThenEveryPostgresSettingIsEmpty() {
        StorageConfig storage = parse("storage:\n  type: memory\n").storage();

        assertThat(storage.type()).isEqualTo(StorageConfig.Type.MEMORY);
        assertThat(storage.isPostgres()).isFalse();
        assertThat(storage.url()).isEmpty();
        assertThat(storage.encryptionKey()).isEmpty();
        assertThat(storage.previousEncryptionKeys()).isEmpty();
    }

    @Test
    void whenPostgresHasOnlyTheRequiredKeysThenTheTunablesHaveTheirDefaults() {
        StorageConfig storage = parse("storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: " + KEY + "\n")
                .storage();

        assertThat(storage)
                .isEqualTo(new StorageConfig(
                        StorageConfig.Type.POSTGRES,
                        Optional.of(URL),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(Secret.of(KEY)),
                        List.of(),
                        10,
                        Duration.ofMinutes(1)));
    }

    @Test
    void whenEveryPostgresKeyIsSetFromTheEnvironmentThenEachIsRead() {
        StorageConfig storage = parse(
                        """
                        storage:
                          type: postgres
                          url: ${DB_URL}
                          username: portico
                          password: ${DB_PASSWORD}
                          encryptionKey: ${PORTICO_KEY}
                          previousEncryptionKeys: ["${PORTICO_OLD_KEY}"]
                          maxPoolSize: 25
                          sweepInterval: 30s
                        """,
                        Map.of(
                                "DB_URL", URL,
                                "DB_PASSWORD", "pw",
                                "PORTICO_KEY", KEY,
                                "PORTICO_OLD_KEY", OLD_KEY))
                .storage();

        assertThat(storage.url()).contains(URL);
        assertThat(storage.username()).contains("portico");
        assertThat(storage.password().map(Secret::reveal)).contains("pw");
        assertThat(storage.encryptionKey().map(Secret::reveal)).contains(KEY);
        assertThat(storage.previousEncryptionKeys()).extracting(Secret::reveal).containsExactly(OLD_KEY);
        assertThat(storage.maxPoolSize()).isEqualTo(25);
        assertThat(storage.sweepInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void whenPrintedThenNeitherKeysNorPasswordShow() {
        String yaml = "storage: {type: postgres, url: \"" + URL + "\", password: hunter2-password,"
                + " encryptionKey: \"" + KEY + "\", previousEncryptionKeys: [\"" + OLD_KEY + "\"]}\n";

        String printed = parse(yaml).toString();

        assertThat(printed).contains(URL).contains(Secret.REDACTED);
        assertThat(printed).doesNotContain(KEY).doesNotContain(OLD_KEY).doesNotContain("hunter2");
    }

    @Test
    void whenAKeyIsStandardBase64ThenItsDecodedBytesAreTheKey() {
        assertThat(StorageConfig.keyBytes(Secret.of(KEY))).isEqualTo(KEY_BYTES);
    }

    @Test
    void whenAKeyIsUrlSafeBase64WithoutPaddingThenItsDecodedBytesAreTheKey() {
        byte[] bytes = bytes(200);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        assertThat(urlSafe).containsAnyOf("-", "_").doesNotEndWith("=");
        assertThat(StorageConfig.keyBytes(Secret.of(urlSafe))).isEqualTo(bytes);
    }

    @Test
    void whenAKeyIsNotBase64ThenItsUtf8TextIsTheKey() {
        String text = "correct horse battery staple, twice!";

        assertThat(StorageConfig.keyBytes(Secret.of(text))).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void whenBase64DecodesToFewerThan32BytesThenTheTextItselfIsTheKey() {
        // 24 random bytes are 32 base64 characters: too short decoded, long enough as text.
        String shortBase64 = Base64.getEncoder().encodeToString(new byte[24]);

        assertThat(StorageConfig.keyBytes(Secret.of(shortBase64)))
                .isEqualTo(shortBase64.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void whenAKeyIsShortByBothReadingsThenKeyBytesRefusesItWithoutShowingIt() {
        String shortKey = Base64.getEncoder().encodeToString(new byte[16]);

        assertThatThrownBy(() -> StorageConfig.keyBytes(Secret.of(shortKey)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(shortKey);
    }

    @Test
    void whenKeyBytesIsCalledTwiceThenEachCallerGetsItsOwnArray() {
        byte[] first = StorageConfig.keyBytes(Secret.of(KEY));
        first[0] = 42;

        assertThat(StorageConfig.keyBytes(Secret.of(KEY))).isEqualTo(KEY_BYTES);
    }

    @Test
    void whenAMemoryConfigIsBuiltWithPostgresSettingsThenTheConstructorRefusesIt() {
        assertThatThrownBy(() -> new StorageConfig(
                        StorageConfig.Type.MEMORY,
                        Optional.of(URL),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        10,
                        Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(int first) {
        byte[] bytes = new byte[32];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (first + i * 7);
        }
        return bytes;
    }
}
