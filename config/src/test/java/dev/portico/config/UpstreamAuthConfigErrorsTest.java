package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamAuthConfigErrorsTest {

    /** An HTTP upstream whose {@code auth} mapping starts on line 6, its keys at column 7. */
    private static String withAuth(String authLines) {
        return """
                upstreams:
                  - name: a
                    transport: streamable-http
                    url: https://a.example.com/mcp
                    auth:
                """
                + authLines.indent(6);
    }

    @Test
    void whenAStdioUpstreamHasAuthThenProblemPointsAtTheKey() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: stdio
                    command: run
                    auth: {clientId: abc, bogus: 1}
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        5,
                        "upstreams[0].auth",
                        "`auth` is not used with transport stdio: Portico signs in only to HTTP upstreams",
                        "remove `auth`; pass credentials to a stdio server with `env` or `args`"));
    }

    @Test
    void whenAuthIsNotAMappingThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem(
                """
                upstreams:
                  - name: a
                    transport: sse
                    url: https://a.example.com/sse
                    auth: github
                """);

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        5,
                        11,
                        "upstreams[0].auth",
                        "expected a mapping, got \"github\"",
                        "write it like: auth: {scopes: [repo], clientId: portico}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "client_secret, clientSecret",
        "scope, scopes",
        "authorization_server, authorizationServer",
        "tokenEndpointAuthMethods, tokenEndpointAuthMethod",
        "sendresource, sendResource"
    })
    void whenAnAuthKeyIsMisspelledThenProblemSuggestsTheClosestKey(String typed, String meant) {
        ConfigProblem problem = onlyProblem(withAuth(typed + ": x"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        7,
                        "upstreams[0].auth." + typed,
                        "unknown key `" + typed + "`",
                        "did you mean `" + meant + "`?"));
    }

    @Test
    void whenScopesIsASpaceSeparatedStringThenProblemAsksForAList() {
        ConfigProblem problem = onlyProblem(withAuth("scopes: repo read:org"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        15,
                        "upstreams[0].auth.scopes",
                        "expected a list of strings, got \"repo read:org\"",
                        "write it like: scopes: [repo, \"read:org\"]"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "repo read   | contains a space; a scope list is a list, not a space-separated string",
                "''          | is empty",
                "a\\\\b      | contains a character that RFC 6749 §3.3 does not allow in a scope",
                "café        | contains a character that RFC 6749 §3.3 does not allow in a scope"
            })
    void whenAScopeIsNotAScopeTokenThenProblemPointsAtTheItem(String scope, String why) {
        String written = scope.replace("\\\\", "\\");
        String yamlScope = written.replace("\\", "\\\\");
        ConfigProblem problem = onlyProblem(withAuth("scopes: [repo, \"" + yamlScope + "\"]"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        22,
                        "upstreams[0].auth.scopes[1]",
                        "scope \"" + written + "\" " + why,
                        "write each scope as its own list item, e.g. scopes: [repo, \"read:org\"]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "https://idp.example.com/?tenant=a | has a query or fragment",
                "https://idp.example.com#x         | has a query or fragment",
                "idp.example.com                   | is not an absolute URL",
                "ftp://idp.example.com             | uses scheme \"ftp\", not http or https"
            })
    void whenAuthorizationServerIsNotAnIssuerUrlThenProblemSaysWhy(String url, String why) {
        ConfigProblem problem = onlyProblem(withAuth("authorizationServer: \"" + url + "\""));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        28,
                        "upstreams[0].auth.authorizationServer",
                        "authorizationServer \"" + url + "\" " + why,
                        "use the authorization server's issuer: an absolute http(s) URL without query or fragment,"
                                + " e.g. https://idp.example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://idp.example.com", "http://10.0.0.7:8080/realms/a"})
    void whenAuthorizationServerIsHttpOnANonLoopbackHostThenProblemAsksForHttps(String url) {
        ConfigProblem problem = onlyProblem(withAuth("authorizationServer: \"" + url + "\""));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        28,
                        "upstreams[0].auth.authorizationServer",
                        "authorizationServer \"" + url + "\" uses http, which Portico accepts only for the loopback"
                                + " hosts 127.0.0.1, localhost, ::1",
                        "use the authorization server's https issuer URL, e.g. https://idp.example.com"));
    }

    @Test
    void whenClientIdIsEmptyThenProblemAsksForOne() {
        ConfigProblem problem = onlyProblem(withAuth("clientId: \"\""));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        17,
                        "upstreams[0].auth.clientId",
                        "clientId is empty",
                        "give the client id registered at the authorization server, or remove clientId"));
    }

    @Test
    void whenClientSecretIsSetWithoutClientIdThenProblemPointsAtTheSecretKey() {
        ConfigProblem problem = onlyProblem(withAuth("scopes: [repo]\nclientSecret: xyz"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        7,
                        7,
                        "upstreams[0].auth.clientSecret",
                        "clientSecret is set without a clientId",
                        "add the clientId the secret was issued with, or remove clientSecret"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"client_secret_basic", "client_secret_post"})
    void whenASecretMethodIsGivenWithoutASecretThenProblemAsksForOne(String method) {
        ConfigProblem problem = onlyProblem(withAuth("clientId: abc\ntokenEndpointAuthMethod: " + method));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        7,
                        32,
                        "upstreams[0].auth.tokenEndpointAuthMethod",
                        "tokenEndpointAuthMethod " + method + " needs a clientSecret",
                        "add clientSecret, or use none (or leave tokenEndpointAuthMethod out) for a public client"));
    }

    @Test
    void whenMethodNoneIsGivenWithASecretThenProblemSaysTheSecretWouldBeUnused() {
        ConfigProblem problem =
                onlyProblem(withAuth("clientId: abc\nclientSecret: xyz\ntokenEndpointAuthMethod: none"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        8,
                        32,
                        "upstreams[0].auth.tokenEndpointAuthMethod",
                        "tokenEndpointAuthMethod none sends no secret, but clientSecret is set",
                        "remove clientSecret for a public client, or use client_secret_basic or client_secret_post"));
    }

    @Test
    void whenMethodNoneIsGivenWithoutAClientIdThenProblemSaysItWouldBeIgnored() {
        ConfigProblem problem = onlyProblem(withAuth("tokenEndpointAuthMethod: none"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        7,
                        "upstreams[0].auth.tokenEndpointAuthMethod",
                        "tokenEndpointAuthMethod applies only to a pre-registered clientId, and none is set",
                        "add clientId, or remove tokenEndpointAuthMethod"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"private_key_jwt", "basic", "CLIENT_SECRET_BASIC"})
    void whenMethodIsUnknownThenProblemListsTheAcceptedMethods(String method) {
        ConfigProblem problem =
                onlyProblem(withAuth("clientId: abc\nclientSecret: xyz\ntokenEndpointAuthMethod: " + method));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        8,
                        32,
                        "upstreams[0].auth.tokenEndpointAuthMethod",
                        "unknown tokenEndpointAuthMethod \"" + method + "\"",
                        "use one of: none, client_secret_basic, client_secret_post"));
    }

    @Test
    void whenSendResourceIsNotABooleanThenProblemAsksForTrueOrFalse() {
        ConfigProblem problem = onlyProblem(withAuth("sendResource: no"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        6,
                        21,
                        "upstreams[0].auth.sendResource",
                        "expected true or false, got \"no\"",
                        "write sendResource: true or sendResource: false"));
    }

    @Test
    void whenClientSecretIsEmptyThenProblemSaysSoWithoutAValue() {
        ConfigProblem problem = onlyProblem(withAuth("clientId: abc\nclientSecret: \"${SECRET:-}\""), Map.of());

        assertThat(problem.line()).isEqualTo(7);
        assertThat(problem.column()).isEqualTo(21);
        assertThat(problem.path()).isEqualTo("upstreams[0].auth.clientSecret");
        assertThat(problem.message()).isEqualTo("clientSecret is empty");
    }

    @Test
    void whenClientSecretIsAListThenProblemAsksForASingleValue() {
        ConfigProblem problem = onlyProblem(withAuth("clientId: abc\nclientSecret: [a, b]"));

        assertThat(problem.path()).isEqualTo("upstreams[0].auth.clientSecret");
        assertThat(problem.message()).isEqualTo("expected a single value, got a list");
    }

    @Test
    void whenTheClientSecretVariableIsUnsetThenOnlyTheVariableIsReported() {
        ConfigProblem problem = onlyProblem(withAuth("clientId: abc\nclientSecret: ${SECRET}"));

        assertThat(problem.path()).isEqualTo("upstreams[0].auth.clientSecret");
        assertThat(problem.message()).isEqualTo("environment variable SECRET is not set");
    }

    @Test
    void whenAuthOfAnUpstreamWithAnUnknownTransportHasProblemsThenBothAreReported() {
        ConfigException failure = Configs.failure(
                """
                upstreams:
                  - name: a
                    transport: http
                    url: https://a.example.com/mcp
                    auth: {sendResource: maybe}
                """);

        assertThat(failure.problems())
                .extracting(ConfigProblem::path)
                .containsExactly("upstreams[0].transport", "upstreams[0].auth.sendResource");
    }
}
