package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code auth.grant: client_credentials} and {@code auth.tokenExchange}: what is read, and what is refused. */
class MachineGrantConfigTest {

    /** An interactive upstream "calendar", then "reports" whose {@code auth} mapping starts on line 9. */
    private static String reportsWithAuth(String authLines) {
        return """
                upstreams:
                  - name: calendar
                    transport: streamable-http
                    url: https://calendar.example.com/mcp
                  - name: reports
                    transport: streamable-http
                    url: https://reports.example.com/mcp
                    auth:
                """
                + authLines.indent(6);
    }

    private static UpstreamAuthConfig reportsAuth(String authLines) {
        return parse(reportsWithAuth(authLines)).upstreams().get(1).auth().orElseThrow();
    }

    @Test
    void whenGrantIsAbsentThenItIsTheAuthorizationCodeWithoutExchange() {
        UpstreamAuthConfig auth = reportsAuth("clientId: portico");

        assertThat(auth.grant()).isEqualTo(AuthGrant.AUTHORIZATION_CODE);
        assertThat(auth.tokenExchange()).isEmpty();
        assertThat(auth.machineGrant()).isFalse();
        assertThat(UpstreamAuthConfig.discovered().grant()).isEqualTo(AuthGrant.AUTHORIZATION_CODE);
    }

    @Test
    void whenGrantIsClientCredentialsThenTheClientAndScopesAreRead() {
        UpstreamAuthConfig auth = reportsAuth(
                """
                grant: client_credentials
                clientId: reports-bot
                clientSecret: s3cret
                scopes: [reports.read]
                """);

        assertThat(auth.grant()).isEqualTo(AuthGrant.CLIENT_CREDENTIALS);
        assertThat(auth.clientId()).contains("reports-bot");
        assertThat(auth.clientSecret()).contains(Secret.of("s3cret"));
        assertThat(auth.clientAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(auth.scopes()).containsExactly("reports.read");
        assertThat(auth.machineGrant()).isTrue();
    }

    @Test
    void whenGrantIsUnknownThenProblemListsTheGrants() {
        ConfigProblem problem = onlyProblem(reportsWithAuth("grant: password"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        9,
                        14,
                        "upstreams[1].auth.grant",
                        "unknown grant \"password\"",
                        "use one of: authorization_code, client_credentials"));
    }

    @Test
    void whenClientCredentialsHasNoClientIdThenProblemSaysToAddIt() {
        ConfigProblem problem = onlyProblem(reportsWithAuth("grant: client_credentials"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.grant");
        assertThat(problem.line()).isEqualTo(9);
        assertThat(problem.message()).contains("grant client_credentials needs auth.clientId");
        assertThat(problem.fix()).contains("add clientId and clientSecret");
    }

    @Test
    void whenClientCredentialsHasNoSecretThenProblemSaysToAddIt() {
        ConfigProblem problem = onlyProblem(reportsWithAuth("grant: client_credentials\nclientId: reports-bot"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.grant");
        assertThat(problem.message()).contains("needs auth.clientSecret");
        assertThat(problem.fix()).contains("add clientSecret");
    }

    @Test
    void whenTokenExchangeIsConfiguredThenItsKeysAreRead() {
        UpstreamAuthConfig auth = reportsAuth(
                """
                clientId: portico
                clientSecret: s3cret
                tokenExchange:
                  subjectUpstream: calendar
                  audience: reports-api
                  scopes: [reports.read, reports.write]
                """);

        assertThat(auth.tokenExchange())
                .contains(new TokenExchangeConfig(
                        "calendar", Optional.of("reports-api"), List.of("reports.read", "reports.write")));
        assertThat(auth.grant()).isEqualTo(AuthGrant.AUTHORIZATION_CODE);
        assertThat(auth.machineGrant()).isTrue();
    }

    @Test
    void whenTokenExchangeLacksSubjectUpstreamThenProblemAsksForIt() {
        ConfigProblem problem = onlyProblem(
                reportsWithAuth("clientId: portico\nclientSecret: s3cret\ntokenExchange:\n  audience: reports-api"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange.subjectUpstream");
        assertThat(problem.message()).isEqualTo("tokenExchange needs subjectUpstream");
    }

    @Test
    void whenTokenExchangeHasAnUnknownKeyThenProblemSuggestsTheClosest() {
        ConfigProblem problem = onlyProblem(reportsWithAuth(
                "clientId: portico\nclientSecret: s3cret\ntokenExchange:\n  subjectUpstream: calendar\n  scope: [a]"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange.scope");
        assertThat(problem.fix()).isEqualTo("did you mean `scopes`?");
    }

    @Test
    void whenTokenExchangeHasNoClientThenProblemSaysPorticoNeedsOne() {
        ConfigProblem problem = onlyProblem(reportsWithAuth("tokenExchange: {subjectUpstream: calendar}"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange");
        assertThat(problem.message()).contains("tokenExchange needs auth.clientId");
    }

    @Test
    void whenTokenExchangeIsCombinedWithClientCredentialsThenProblemSaysPickOne() {
        ConfigProblem problem = onlyProblem(reportsWithAuth(
                "grant: client_credentials\nclientId: a\nclientSecret: b\ntokenExchange: {subjectUpstream: calendar}"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange");
        assertThat(problem.message()).isEqualTo("tokenExchange cannot be combined with grant client_credentials");
    }

    @Test
    void whenSubjectUpstreamDoesNotExistThenProblemNamesTheUpstreams() {
        ConfigProblem problem = onlyProblem(
                reportsWithAuth("clientId: portico\nclientSecret: s3cret\ntokenExchange: {subjectUpstream: calender}"));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        11,
                        40,
                        "upstreams[1].auth.tokenExchange.subjectUpstream",
                        "no upstream is named \"calender\"",
                        "use the name of an HTTP upstream users sign in to; upstreams here: calendar, reports"));
    }

    @Test
    void whenSubjectUpstreamIsTheUpstreamItselfThenProblemSaysSo() {
        ConfigProblem problem = onlyProblem(
                reportsWithAuth("clientId: portico\nclientSecret: s3cret\ntokenExchange: {subjectUpstream: reports}"));

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange.subjectUpstream");
        assertThat(problem.message()).isEqualTo("upstream \"reports\" cannot exchange its own token");
    }

    @Test
    void whenSubjectUpstreamIsAMachineUpstreamThenProblemSaysExchangesDoNotChain() {
        String yaml = reportsWithAuth("clientId: portico\nclientSecret: s3cret\ntokenExchange: {subjectUpstream: bot}")
                + """
                  - name: bot
                    transport: streamable-http
                    url: https://bot.example.com/mcp
                    auth: {grant: client_credentials, clientId: bot, clientSecret: x}
                """;

        ConfigProblem problem = onlyProblem(yaml);

        assertThat(problem.path()).isEqualTo("upstreams[1].auth.tokenExchange.subjectUpstream");
        assertThat(problem.message()).contains("gets its tokens without a sign-in");
        assertThat(problem.fix()).contains("token exchanges do not chain");
    }

    @Test
    void whenSubjectUpstreamIsStdioThenProblemSaysItHasNoToken() {
        String yaml =
                reportsWithAuth("clientId: portico\nclientSecret: s3cret\ntokenExchange: {subjectUpstream: files}")
                        + Configs.stdioUpstream("files");

        ConfigProblem problem = onlyProblem(yaml);

        assertThat(problem.message())
                .isEqualTo("upstream \"files\" uses transport stdio, for which Portico holds no token");
    }

    @Test
    void whenTheSecretIsMissingThenNoProblemQuotesTheOtherSecret() {
        ConfigProblem problem = onlyProblem(reportsWithAuth("grant: client_credentials\nclientId: reports-bot"));

        assertThat(problem.toString()).doesNotContain("s3cret");
    }
}
