package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No problem message, fix or rendered line ever shows a client secret or another credential-carrying value. */
class SecretRedactionTest {

    private static final String SECRET = "TOPSECRET-4711";
    private static final Map<String, String> ENVIRONMENT =
            Map.of("SECRET", SECRET, "SECRET_WITH_NEWLINE", SECRET + "\n");

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "auth: {clientSecret: TOPSECRET-4711}",
                "auth: {clientSecret: \"${SECRET}\"}",
                "auth: {clientId: abc, clientSecret: \"${SECRET}\", tokenEndpointAuthMethod: none}",
                "auth: {clientId: abc, clientSecret: \"${SECRET_WITH_NEWLINE}\"}",
                "auth: {clientId: abc, clientSecret: \"TOPSECRET-4711${\"}",
                "auth: {clientId: abc, clientSecret: \"TOPSECRET-4711${not valid}\"}",
                "auth: {clientId: abc, clientSecret: \"TOPSECRET-4711${X:-${Y}}\"}",
                "auth: {clientId: abc, clientSecrets: TOPSECRET-4711}",
                "auth: {clientId: abc, clientSecret: [TOPSECRET-4711]}",
                "auth: {clientId: abc, clientSecret: {TOPSECRET: 4711}}",
                "headers: {Authorization: \"Bearer TOPSECRET-4711${\"}",
                "headers: {X-Api-Key: \"TOPSECRET-4711${bad name}\"}"
            })
    void whenAProblemConcernsASecretThenItsValueIsNeverShown(String line) {
        String yaml = "upstreams:\n  - name: a\n    transport: streamable-http\n    url: https://a.example.com/mcp\n"
                + "    " + line + "\n";

        ConfigException failure = Configs.failure(yaml, ENVIRONMENT);

        assertThat(failure.problems()).isNotEmpty();
        assertThat(failure.getMessage()).doesNotContain("TOPSECRET").doesNotContain("4711");
        assertThat(failure.problems())
                .allSatisfy(problem ->
                        assertThat(problem.render()).doesNotContain("TOPSECRET").doesNotContain("4711"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "encryptionKey: TOPSECRET-4711",
                "encryptionKey: \"TOPSECRET-4711${\"",
                "encryptionKey: \"TOPSECRET-4711${not valid}\"",
                "encryptionKey: \"${SECRET_WITH_NEWLINE}\"",
                "encryptionKey: [TOPSECRET-4711]",
                "previousEncryptionKeys: TOPSECRET-4711",
                "previousEncryptionKeys: [TOPSECRET-4711]",
                "previousEncryptionKeys: [\"TOPSECRET-4711${\"]",
                "password: \"TOPSECRET-4711${\"",
                "url: \"jdbc:postgresql://db/p?password=TOPSECRET-4711\"",
                "url: \"postgres://u:TOPSECRET-4711@db/p\"",
                "url: \"jdbc:postgresql://db/p?password=TOPSECRET-4711${\""
            })
    void whenAProblemConcernsAStorageSecretThenItsValueIsNeverShown(String line) {
        String yaml = "storage:\n  type: postgres\n  " + line + "\n";

        ConfigException failure = Configs.failure(yaml, ENVIRONMENT);

        assertThat(failure.problems()).isNotEmpty();
        assertThat(failure.getMessage()).doesNotContain("TOPSECRET").doesNotContain("4711");
    }

    @Test
    void whenStorageIsMemoryThenItsPostgresKeysAreRejectedWithoutShowingThem() {
        ConfigException failure =
                Configs.failure("storage:\n  encryptionKey: TOPSECRET-4711\n  password: TOPSECRET-4711\n", ENVIRONMENT);

        assertThat(failure.problems()).hasSize(2);
        assertThat(failure.getMessage()).doesNotContain("TOPSECRET");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"args: [\"TOPSECRET-4711${\"]", "env: {TOKEN: \"TOPSECRET-4711${\"}"})
    void whenAStdioValueIsMalformedThenOnlyEnvValuesAreHidden(String line) {
        String yaml = "upstreams:\n  - name: a\n    transport: stdio\n    command: run\n    " + line + "\n";

        ConfigException failure = Configs.failure(yaml, ENVIRONMENT);

        boolean isEnv = line.startsWith("env");
        assertThat(failure.getMessage().contains("TOPSECRET")).isEqualTo(!isEnv);
    }
}
