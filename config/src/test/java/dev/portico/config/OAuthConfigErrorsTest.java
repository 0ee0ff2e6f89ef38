package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OAuthConfigErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "oauth/callback           | does not start with \"/\"",
                "//evil.example.com/cb    | starts with \"//\"",
                "/cb?next=1               | has a query or fragment",
                "/cb#top                  | has a query or fragment",
                "/o auth/cb               | is not a valid URL path (Illegal character in path)",
                "/oauth/../cb             | has \".\" or \"..\" segments",
                "https://p.example.com/cb | does not start with \"/\""
            })
    void whenCallbackPathIsNotAPathThenProblemSaysWhy(String path, String why) {
        ConfigProblem problem = onlyProblem("oauth:\n  callbackPath: \"" + path + "\"\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        17,
                        "oauth.callbackPath",
                        "callbackPath \"" + path + "\" " + why,
                        "use a path that starts with \"/\", without query or fragment, e.g. /oauth/callback"));
    }

    @Test
    void whenCimdPathIsNotAPathThenProblemShowsItsOwnDefault() {
        ConfigProblem problem = onlyProblem("oauth:\n  cimdPath: client.json\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        13,
                        "oauth.cimdPath",
                        "cimdPath \"client.json\" does not start with \"/\"",
                        "use a path that starts with \"/\", without query or fragment, e.g."
                                + " /.well-known/oauth-client.json"));
    }

    @Test
    void whenCimdPathEqualsCallbackPathThenProblemPointsAtCimdPath() {
        ConfigProblem problem = onlyProblem(
                """
                oauth:
                  callbackPath: /oauth
                  cimdPath: /oauth
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        3,
                        13,
                        "oauth.cimdPath",
                        "cimdPath \"/oauth\" is the same path as callbackPath",
                        "give the callback and the Client ID Metadata Document different paths, e.g. /oauth/callback"
                                + " and /.well-known/oauth-client.json"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "callbackPath: /metrics",
                "callbackPath: /mcp",
                "callbackPath: /sse/",
                "cimdPath: /healthz",
                "cimdPath: /readyz",
                "callbackPath: /oauth/start/x",
                "cimdPath: /.well-known/oauth-protected-resource/mcp"
            })
    void whenACallbackOrDocumentPathIsOneOfPorticosOwnThenTheProblemSaysSo(String line) {
        ConfigProblem problem = onlyProblem("oauth:\n  " + line + "\n");

        String key = line.substring(0, line.indexOf(':'));
        assertThat(problem.path()).isEqualTo("oauth." + key);
        assertThat(problem.message())
                .endsWith("is a path Portico already answers (MCP, health, metrics, sign-in"
                        + " links or its resource metadata)");
        assertThat(problem.fix()).startsWith("choose a path of its own, e.g. /");
    }

    @Test
    void whenCallbackPathEqualsTheDefaultCimdPathThenProblemPointsAtCallbackPath() {
        ConfigProblem problem = onlyProblem("oauth:\n  callbackPath: /.well-known/oauth-client.json\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(17);
        assertThat(problem.path()).isEqualTo("oauth.callbackPath");
        assertThat(problem.message())
                .isEqualTo("callbackPath \"/.well-known/oauth-client.json\" is the same path as cimdPath (by default)");
    }

    @Test
    void whenCimdPathIsSetWithClientMetadataUrlThenProblemSaysItIsUnused() {
        ConfigProblem problem = onlyProblem(
                """
                oauth:
                  cimdPath: /client.json
                  clientMetadataUrl: https://static.example.com/client.json
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        3,
                        "oauth.cimdPath",
                        "`cimdPath` is not used when clientMetadataUrl is set: Portico then serves no document",
                        "remove `cimdPath`, or remove `clientMetadataUrl` to let Portico serve its own document"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "http://static.example.com/client.json | uses http, but a Client ID Metadata Document URL must be"
                        + " https (plain http is accepted only for the loopback hosts 127.0.0.1, localhost, ::1)",
                "http://10.0.0.1/client.json           | uses http, but a Client ID Metadata Document URL must be"
                        + " https (plain http is accepted only for the loopback hosts 127.0.0.1, localhost, ::1)",
                "https://static.example.com            | has no path, which a Client ID Metadata Document URL needs",
                "https://static.example.com/           | has no path, which a Client ID Metadata Document URL needs",
                "https://static.example.com/client#me  | has a fragment",
                "https://static.example.com/a/../c.json | has \".\" or \"..\" path segments",
                "https://static.example.com/./c.json   | has \".\" or \"..\" path segments",
                "static.example.com/client.json        | is not an absolute URL",
                "ftp://static.example.com/client.json  | uses scheme \"ftp\", not http or https",
                "https://u:p@static.example.com/c.json | contains credentials"
            })
    void whenClientMetadataUrlIsNotAValidClientIdThenProblemSaysWhy(String url, String why) {
        ConfigProblem problem = onlyProblem("oauth:\n  clientMetadataUrl: \"" + url + "\"\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        22,
                        "oauth.clientMetadataUrl",
                        "clientMetadataUrl \"" + url + "\" " + why,
                        "use the absolute https URL of the hosted document, with a path and without fragment, e.g."
                                + " https://static.example.com/portico/client.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"\"", "\"  \""})
    void whenClientNameIsEmptyThenProblemAsksForAName(String name) {
        ConfigProblem problem = onlyProblem("oauth:\n  clientName: " + name + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        15,
                        "oauth.clientName",
                        "clientName is empty",
                        "give the name authorization servers show users at sign-in, e.g. clientName: Portico"));
    }

    @Test
    void whenClientNameHasALineBreakThenProblemAsksForOneLine() {
        ConfigProblem problem = onlyProblem("oauth:\n  clientName: \"Portico\\nEvil\"\n");

        assertThat(problem.path()).isEqualTo("oauth.clientName");
        assertThat(problem.message()).isEqualTo("clientName contains a line break or other control character");
    }

    @Test
    void whenClientUriIsNotAnAbsoluteUrlThenProblemSaysWhy() {
        ConfigProblem problem = onlyProblem("oauth:\n  clientUri: portico.example.com\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        14,
                        "oauth.clientUri",
                        "clientUri \"portico.example.com\" is not an absolute URL",
                        "use the absolute http(s) URL of a page about this deployment, e.g."
                                + " https://portico.example.com"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2h, 2h", "61m, 61m", "3601s, 3601s", "86400000ms, 24h"})
    void whenStateTtlIsLongerThanOneHourThenProblemNamesTheMaximum(String written, String shown) {
        ConfigProblem problem = onlyProblem("oauth:\n  stateTtl: " + written + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        13,
                        "oauth.stateTtl",
                        "stateTtl " + shown + " is longer than the maximum of 1h",
                        "use at most 1h, e.g. 10m; a user who takes longer starts the sign-in again"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({"stateTtl, 0, 13, 10m", "stateTtl, 0ms, 13, 10m", "metadataCacheTtl, 0s, 21, 15m"})
    void whenATtlIsZeroThenProblemAsksForAPositiveDuration(String key, String value, int column, String example) {
        ConfigProblem problem = onlyProblem("oauth:\n  " + key + ": " + value + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        column,
                        "oauth." + key,
                        key + " must be longer than 0",
                        "use a positive duration, e.g. " + example));
    }

    @Test
    void whenATtlIsNotADurationThenProblemShowsTheAcceptedForm() {
        ConfigProblem problem = onlyProblem("oauth:\n  metadataCacheTtl: 15 minutes\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        21,
                        "oauth.metadataCacheTtl",
                        "invalid duration \"15 minutes\"",
                        Durations.ACCEPTED_FORM));
    }

    @Test
    void whenAnOAuthKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem("oauth:\n  callbakPath: /cb\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE, 2, 3, "oauth.callbakPath", "unknown key `callbakPath`", "did you mean `callbackPath`?"));
    }

    @Test
    void whenAnOAuthKeyIsUnknownThenProblemListsTheAcceptedKeys() {
        ConfigProblem problem = onlyProblem("oauth:\n  redirectUri: https://p.example.com/cb\n");

        assertThat(problem.fix())
                .isEqualTo("accepted keys here: callbackPath, cimdPath, clientMetadataUrl, clientName, clientUri,"
                        + " stateTtl, metadataCacheTtl, refreshMargin, stepUpLimit, openBrowser, loopbackPort");
    }

    @Test
    void whenOAuthIsNotAMappingThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem("oauth: enabled\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        1,
                        8,
                        "oauth",
                        "expected a mapping, got \"enabled\"",
                        "write it like: oauth: {callbackPath: /oauth/callback, clientName: Portico}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://portico.example.com", "http://10.0.0.5:8080", "http://0.0.0.0:8080"})
    void whenPublicUrlIsHttpOnANonLoopbackHostThenProblemSaysTheClientIdMustBeHttps(String url) {
        ConfigProblem problem = onlyProblem("server:\n  publicUrl: " + url + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        14,
                        "server.publicUrl",
                        "publicUrl \"" + url + "\" uses http, but Portico's client_id, the URL of its Client ID"
                                + " Metadata Document (" + url + "/.well-known/oauth-client.json), must be https",
                        "use an https publicUrl (http is accepted only for the loopback hosts 127.0.0.1, localhost,"
                                + " ::1), or host the document at an https URL and set oauth.clientMetadataUrl"));
    }

    @Test
    void whenPublicUrlIsHttpThenTheProblemShowsTheConfiguredCimdPath() {
        ConfigProblem problem = onlyProblem(
                """
                server:
                  publicUrl: http://portico.example.com/base/
                oauth:
                  cimdPath: /client.json
                """);

        assertThat(problem.path()).isEqualTo("server.publicUrl");
        assertThat(problem.message()).contains("(http://portico.example.com/base/client.json)");
    }

    @Test
    void whenPublicUrlIsInvalidThenOnlyThatProblemIsReported() {
        ConfigProblem problem = onlyProblem("server:\n  publicUrl: \"http://portico.example.com/?a=b\"\n");

        assertThat(problem.message())
                .isEqualTo("publicUrl \"http://portico.example.com/?a=b\" has a query or fragment");
    }
}
