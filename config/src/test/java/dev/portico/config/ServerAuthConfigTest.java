package dev.portico.config;

import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerAuthConfigTest {

    @Test
    void whenServerAuthIsAbsentThenThereIsNoInboundAuthentication() {
        assertThat(parse("server:\n  port: 0\n").server().auth()).isEmpty();
    }

    @Test
    void whenOnlyTheIssuerIsGivenThenEverythingElseIsDefaulted() {
        PorticoConfig config = parse("server:\n  auth:\n    issuer: https://idp.example.com\n");

        assertThat(config.server().auth()).contains(ServerAuthConfig.of(URI.create("https://idp.example.com")));
        assertThat(config.server().auth().get().jwksCacheTtl()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void whenEveryKeyIsGivenThenEachIsRead() {
        PorticoConfig config = parse(
                """
                server:
                  auth:
                    issuer: http://127.0.0.1:9000/default
                    audience: api://portico
                    requiredScopes: [mcp, "read:tools"]
                    jwksCacheTtl: 30s
                    clientId: portico
                    clientSecret: ${SECRET}
                """,
                Map.of("SECRET", "s3cret"));

        ServerAuthConfig auth = config.server().auth().orElseThrow();
        assertThat(auth.issuer()).isEqualTo(URI.create("http://127.0.0.1:9000/default"));
        assertThat(auth.audience()).contains("api://portico");
        assertThat(auth.requiredScopes()).isEqualTo(List.of("mcp", "read:tools"));
        assertThat(auth.jwksCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(auth.clientId()).contains("portico");
        assertThat(auth.clientSecret()).isEqualTo(Optional.of(Secret.of("s3cret")));
    }

    @Test
    void whenTheIssuerIsMissingThenProblemSaysWhatToAddOrRemove() {
        ConfigProblem problem = onlyProblem("server:\n  auth:\n    audience: x\n");

        assertThat(problem.path()).isEqualTo("server.auth.issuer");
        assertThat(problem.message()).isEqualTo("server.auth needs issuer");
        assertThat(problem.fix()).contains("or remove server.auth");
    }

    @Test
    void whenTheIssuerIsPlainHttpOnAnotherHostThenItIsRefused() {
        ConfigProblem problem = onlyProblem("server:\n  auth:\n    issuer: http://idp.example.com\n");

        assertThat(problem.path()).isEqualTo("server.auth.issuer");
        assertThat(problem.message())
                .isEqualTo("issuer \"http://idp.example.com\" uses http, which Portico accepts only for the loopback"
                        + " hosts 127.0.0.1, localhost, ::1");
    }

    @Test
    void whenAKeyIsMisspelledThenProblemSuggestsTheRightOne() {
        ConfigProblem problem = onlyProblem("server:\n  auth:\n    issuer: https://idp.example.com\n    audiance: x\n");

        assertThat(problem.path()).isEqualTo("server.auth.audiance");
        assertThat(problem.fix()).isEqualTo("did you mean `audience`?");
    }

    @Test
    void whenARequiredScopeHasASpaceThenProblemPointsAtTheItem() {
        ConfigProblem problem =
                onlyProblem("server:\n  auth:\n    issuer: https://idp.example.com\n    requiredScopes: [\"a b\"]\n");

        assertThat(problem.path()).isEqualTo("server.auth.requiredScopes[0]");
        assertThat(problem.fix()).contains("requiredScopes: [repo,");
    }

    @Test
    void whenTheJwksCacheTtlIsLongerThanADayThenProblemNamesTheRange() {
        ConfigProblem problem =
                onlyProblem("server:\n  auth:\n    issuer: https://idp.example.com\n    jwksCacheTtl: 25h\n");

        assertThat(problem.path()).isEqualTo("server.auth.jwksCacheTtl");
        assertThat(problem.fix()).isEqualTo("use more than 0s and at most 24h, e.g. 5m");
    }

    @Test
    void whenAClientSecretHasNoClientIdThenProblemAsksForTheIdWithoutShowingTheSecret() {
        ConfigProblem problem =
                onlyProblem("server:\n  auth:\n    issuer: https://idp.example.com\n    clientSecret: hunter2\n");

        assertThat(problem.path()).isEqualTo("server.auth.clientSecret");
        assertThat(problem.toString()).doesNotContain("hunter2");
    }
}
