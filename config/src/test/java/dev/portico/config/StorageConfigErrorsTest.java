package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.StorageConfigTest.KEY;
import static dev.portico.config.StorageConfigTest.OLD_KEY;
import static dev.portico.config.StorageConfigTest.URL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorageConfigErrorsTest {

    private static final String SHORT_KEY = Base64.getEncoder().encodeToString(new byte[16]);

    /** A postgres section with {@code line} added after a valid url and key. */
    private static String postgresWith(String line) {
        return "storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: \"" + KEY + "\"\n  " + line + "\n";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "postgresql, did you mean `postgres`? use memory or postgres",
        "Postgres, did you mean `postgres`? use memory or postgres",
        "memroy, did you mean `memory`? use memory or postgres",
        "redis, use memory or postgres"
    })
    void whenTheTypeIsUnknownThenTheFixSuggestsTheClosest(String type, String fix) {
        ConfigProblem problem = onlyProblem("storage:\n  type: " + type + "\n  url: x\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(FILE, 2, 9, "storage.type", "unknown storage type \"" + type + "\"", fix));
    }

    @Test
    void whenMemoryStorageHasPostgresKeysThenEachIsNamed() {
        List<ConfigProblem> problems = Configs.problems(
                """
                storage:
                  url: jdbc:postgresql://db/portico
                  encryptionKey: abc
                  sweepInterval: 1m
                """);

        assertThat(problems)
                .extracting(ConfigProblem::path, ConfigProblem::line, ConfigProblem::column)
                .containsExactly(
                        tuple("storage.url", 2, 3),
                        tuple("storage.encryptionKey", 3, 3),
                        tuple("storage.sweepInterval", 4, 3));
        assertThat(problems.get(1).message()).isEqualTo("`encryptionKey` is only used with type: postgres");
        assertThat(problems.get(1).fix()).isEqualTo("remove `encryptionKey`, or set type: postgres");
    }

    @Test
    void whenPostgresHasNoUrlThenProblemShowsAJdbcUrl() {
        ConfigProblem problem = onlyProblem("storage:\n  type: postgres\n  encryptionKey: \"" + KEY + "\"\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        3,
                        "storage.url",
                        "missing url, which type postgres needs",
                        "add the JDBC URL of the database, e.g. url: jdbc:postgresql://db.example.com:5432/portico"));
    }

    @Test
    void whenTheUrlIsALibpqUriThenProblemSaysHowToWriteItAndDoesNotQuoteIt() {
        ConfigProblem problem = onlyProblem(
                "storage:\n  type: postgres\n  url: postgres://admin:pw-1234@db/portico\n  encryptionKey: \"" + KEY
                        + "\"\n");

        assertThat(List.of(problem.line(), problem.column())).containsExactly(3, 8);
        assertThat(problem.message()).isEqualTo("url is a libpq connection URI (postgres://...), not a JDBC URL");
        assertThat(problem.fix())
                .contains("jdbc:postgresql://HOST:PORT/DATABASE")
                .contains("storage.password");
        assertThat(problem.render()).doesNotContain("pw-1234");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://db/portico", "jdbc:postgresql:portico", "db.example.com"})
    void whenTheUrlIsNotAPostgresJdbcUrlThenProblemSaysWhatItMustStartWith(String url) {
        ConfigProblem problem =
                onlyProblem("storage:\n  type: postgres\n  url: " + url + "\n  encryptionKey: \"" + KEY + "\"\n");

        assertThat(problem.path()).isEqualTo("storage.url");
        assertThat(problem.message())
                .isEqualTo("url is not a PostgreSQL JDBC URL: it must start with jdbc:postgresql://");
    }

    @Test
    void whenTheUrlCarriesAPasswordThenProblemMovesItToPasswordWithoutQuotingIt() {
        ConfigProblem problem =
                onlyProblem("storage:\n  type: postgres\n  url: jdbc:postgresql://db/portico?user=p&Password=pw-1234\n"
                        + "  encryptionKey: \"" + KEY + "\"\n");

        assertThat(problem.message()).startsWith("url carries a password");
        assertThat(problem.fix()).contains("password: \"${PORTICO_DB_PASSWORD}\"");
        assertThat(problem.render()).doesNotContain("pw-1234");
    }

    @Test
    void whenPostgresHasNoKeyThenProblemSaysHowToMakeOne() {
        ConfigProblem problem = onlyProblem("storage:\n  type: postgres\n  url: " + URL + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        3,
                        "storage.encryptionKey",
                        "missing encryptionKey, which type postgres needs to encrypt secrets at rest",
                        "generate a key with `openssl rand -base64 32` and set it from the environment:"
                                + " encryptionKey: \"${PORTICO_KEY}\""));
    }

    @Test
    void whenTheKeyVariableIsUnsetThenOnlyTheVariableIsReported() {
        ConfigProblem problem = onlyProblem(
                "storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: ${PORTICO_KEY}\n", Map.of());

        assertThat(problem.path()).isEqualTo("storage.encryptionKey");
        assertThat(problem.message()).isEqualTo("environment variable PORTICO_KEY is not set");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"base64 of 16 bytes", "short text"})
    void whenTheKeyIsTooShortThenProblemSaysHowToMakeOneWithoutShowingIt(String kind) {
        String key = kind.startsWith("base64") ? SHORT_KEY : "not-32-bytes-long";

        ConfigProblem problem = onlyProblem(
                "storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: ${PORTICO_KEY}\n",
                Map.of("PORTICO_KEY", key));

        assertThat(List.of(problem.line(), problem.column())).containsExactly(4, 18);
        assertThat(problem.message())
                .isEqualTo("encryptionKey is too short: it must be at least 32 bytes, as base64 or as text");
        assertThat(problem.fix()).startsWith("generate a key with `openssl rand -base64 32`");
        assertThat(problem.render()).doesNotContain(key);
    }

    @Test
    void whenTheKeyVariableIsEmptyThenProblemSaysSo() {
        ConfigProblem problem = onlyProblem(
                "storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: ${PORTICO_KEY}\n",
                Map.of("PORTICO_KEY", ""));

        assertThat(problem.message()).isEqualTo("encryptionKey is empty");
    }

    @Test
    void whenTheKeyEndsWithANewlineThenProblemAsksToRemoveIt() {
        ConfigProblem problem = onlyProblem(
                "storage:\n  type: postgres\n  url: " + URL + "\n  encryptionKey: ${PORTICO_KEY}\n",
                Map.of("PORTICO_KEY", KEY + "\n"));

        assertThat(problem.message()).isEqualTo("encryptionKey contains a line break or other control character");
        assertThat(problem.render()).doesNotContain(KEY);
    }

    @Test
    void whenAPreviousKeyIsTheCurrentKeyThenProblemPointsAtIt() {
        ConfigProblem problem =
                onlyProblem(postgresWith("previousEncryptionKeys:\n    - \"" + OLD_KEY + "\"\n    - \"" + KEY + "\""));

        assertThat(List.of(problem.line(), problem.column())).containsExactly(7, 7);
        assertThat(problem.path()).isEqualTo("storage.previousEncryptionKeys[1]");
        assertThat(problem.message()).isEqualTo("this previous key is the same key as encryptionKey");
        assertThat(problem.render()).doesNotContain(KEY).doesNotContain(OLD_KEY);
    }

    @Test
    void whenAPreviousKeyIsRepeatedThenProblemNamesTheFirst() {
        ConfigProblem problem =
                onlyProblem(postgresWith("previousEncryptionKeys: [\"" + OLD_KEY + "\", \"" + OLD_KEY + "\"]"));

        assertThat(problem.path()).isEqualTo("storage.previousEncryptionKeys[1]");
        assertThat(problem.message())
                .isEqualTo("this previous key is the same key as storage.previousEncryptionKeys[0]");
    }

    @Test
    void whenAPreviousKeyIsTooShortThenProblemPointsAtTheItem() {
        ConfigProblem problem =
                onlyProblem(postgresWith("previousEncryptionKeys: [\"" + OLD_KEY + "\", \"" + SHORT_KEY + "\"]"));

        assertThat(problem.path()).isEqualTo("storage.previousEncryptionKeys[1]");
        assertThat(problem.message())
                .isEqualTo("previous key is too short: it must be at least 32 bytes, as base64 or as text");
        assertThat(problem.render()).doesNotContain(SHORT_KEY);
    }

    @Test
    void whenPreviousKeysIsASingleValueThenProblemAsksForAListWithoutShowingIt() {
        ConfigProblem problem = onlyProblem(postgresWith("previousEncryptionKeys: \"" + OLD_KEY + "\""));

        assertThat(problem.path()).isEqualTo("storage.previousEncryptionKeys");
        assertThat(problem.message())
                .isEqualTo("expected a list of keys, got a single value (not shown: it may be a key)");
        assertThat(problem.render()).doesNotContain(OLD_KEY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101", "-1"})
    void whenMaxPoolSizeIsOutOfRangeThenProblemGivesTheRange(String size) {
        ConfigProblem problem = onlyProblem(postgresWith("maxPoolSize: " + size));

        assertThat(problem.path()).isEqualTo("storage.maxPoolSize");
        assertThat(problem.message()).isEqualTo("maxPoolSize " + size + " is out of range");
        assertThat(problem.fix()).isEqualTo("use 1 to 100, e.g. maxPoolSize: 10");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "500ms, 500ms"})
    void whenSweepIntervalIsBelowOneSecondThenProblemGivesTheMinimum(String written, String shown) {
        ConfigProblem problem = onlyProblem(postgresWith("sweepInterval: " + written));

        assertThat(problem.path()).isEqualTo("storage.sweepInterval");
        assertThat(problem.message()).isEqualTo("sweepInterval " + shown + " is shorter than the minimum of 1s");
    }

    @Test
    void whenSweepIntervalIsNotADurationThenProblemShowsTheForm() {
        ConfigProblem problem = onlyProblem(postgresWith("sweepInterval: 60"));

        assertThat(problem.message()).isEqualTo("invalid duration \"60\"");
        assertThat(problem.fix()).isEqualTo(Durations.ACCEPTED_FORM);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"username: \"\" | username is empty", "password: \"\" | password is empty"})
    void whenUsernameOrPasswordIsEmptyThenProblemSaysSo(String line, String message) {
        ConfigProblem problem = onlyProblem(postgresWith(line));

        assertThat(problem.message()).isEqualTo(message);
    }

    @Test
    void whenAStorageKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem(postgresWith("encryptionKeys: x"));

        assertThat(problem.path()).isEqualTo("storage.encryptionKeys");
        assertThat(problem.fix()).isEqualTo("did you mean `encryptionKey`?");
    }

    @Test
    void whenStorageIsNotAMappingThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem("storage: postgres\n");

        assertThat(problem.message()).isEqualTo("expected a mapping, got \"postgres\"");
        assertThat(problem.fix()).startsWith("write it like: storage: {type: postgres, url:");
    }
}
