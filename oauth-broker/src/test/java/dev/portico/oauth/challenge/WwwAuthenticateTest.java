package dev.portico.oauth.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WwwAuthenticateTest {

    @Test
    void whenTheRfc9110ExampleIsParsedThenBothChallengesAndTheEscapedQuoteAreRead() {
        // RFC 9110 §11.6.1
        List<WwwAuthenticateChallenge> challenges =
                parsed("Basic realm=\"simple\", Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\"");

        assertThat(challenges).hasSize(2);
        assertThat(challenges.get(0).scheme()).isEqualTo("Basic");
        assertThat(challenges.get(0).params()).containsExactly(Map.entry("realm", "simple"));
        assertThat(challenges.get(1).scheme()).isEqualTo("Newauth");
        assertThat(challenges.get(1).params())
                .containsExactly(
                        Map.entry("realm", "apps"), Map.entry("type", "1"), Map.entry("title", "Login to \"apps\""));
    }

    @Test
    void whenTheRfc6750ExampleIsParsedThenErrorAndDescriptionAreRead() {
        // RFC 6750 §3
        WwwAuthenticateChallenge challenge = parsed(
                        "Bearer realm=\"example\", error=\"invalid_token\", error_description=\"The access token expired\"")
                .get(0);

        assertThat(challenge.hasScheme("bearer")).isTrue();
        assertThat(challenge.param("realm")).contains("example");
        assertThat(challenge.param("error")).contains("invalid_token");
        assertThat(challenge.param("error_description")).contains("The access token expired");
    }

    @Test
    void whenTheRfc9728ExampleIsParsedThenResourceMetadataIsRead() {
        // RFC 9728 §5.1
        WwwAuthenticateChallenge challenge = parsed(
                        "Bearer resource_metadata=\"https://resource.example.com/.well-known/oauth-protected-resource\"")
                .get(0);

        assertThat(challenge.param("resource_metadata"))
                .contains("https://resource.example.com/.well-known/oauth-protected-resource");
    }

    @Test
    void whenBasicAndBearerShareOneValueThenEachKeepsItsParams() {
        List<WwwAuthenticateChallenge> challenges = parsed(
                "Basic realm=\"x\", Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource\", scope=\"a b\"");

        assertThat(challenges).extracting(WwwAuthenticateChallenge::scheme).containsExactly("Basic", "Bearer");
        assertThat(challenges.get(0).params()).containsOnlyKeys("realm");
        assertThat(challenges.get(1).param("scope")).contains("a b");
        assertThat(challenges.get(1).param("resource_metadata"))
                .contains("https://mcp.example.com/.well-known/oauth-protected-resource");
    }

    @Test
    void whenChallengesAreSpreadOverSeveralFieldLinesThenAllAreReadInOrder() {
        WwwAuthenticateParseResult result = WwwAuthenticate.parse(
                Arrays.asList("Negotiate", null, "Basic realm=\"x\"", "Bearer error=invalid_token"));

        assertThat(result).isInstanceOf(WwwAuthenticateParseResult.Parsed.class);
        assertThat(((WwwAuthenticateParseResult.Parsed) result).challenges())
                .extracting(WwwAuthenticateChallenge::scheme)
                .containsExactly("Negotiate", "Basic", "Bearer");
    }

    @Test
    void whenAChallengeCarriesAToken68ThenItIsKeptApartFromParams() {
        List<WwwAuthenticateChallenge> challenges = parsed("Negotiate abc==, Basic realm=\"x\"");

        assertThat(challenges.get(0).token68()).contains("abc==");
        assertThat(challenges.get(0).params()).isEmpty();
        assertThat(challenges.get(1).token68()).isEmpty();
        assertThat(challenges.get(1).param("realm")).contains("x");
    }

    @Test
    void whenNamesAreInMixedCaseThenLookupsIgnoreCase() {
        WwwAuthenticateChallenge challenge =
                parsed("bEaReR Scope=\"read\", ERROR=insufficient_scope").get(0);

        assertThat(challenge.hasScheme("Bearer")).isTrue();
        assertThat(challenge.scheme()).isEqualTo("bEaReR");
        assertThat(challenge.param("scope")).contains("read");
        assertThat(challenge.param("Error")).contains("insufficient_scope");
        assertThat(challenge.params()).containsOnlyKeys("scope", "error");
    }

    @Test
    void whenElementsAreEmptyOrSpacedThenTheyAreTolerated() {
        List<WwwAuthenticateChallenge> challenges = parsed(" , Basic , ,Bearer realm = \"r\" ,, scope=a\t,  , Other");

        assertThat(challenges).extracting(WwwAuthenticateChallenge::scheme).containsExactly("Basic", "Bearer", "Other");
        assertThat(challenges.get(1).params()).containsExactly(Map.entry("realm", "r"), Map.entry("scope", "a"));
    }

    @Test
    void whenAQuotedValueHoldsCommasAndEqualsThenTheyStayInTheValue() {
        WwwAuthenticateChallenge challenge =
                parsed("Bearer scope=\"a,b=c\", realm=\"back\\\\slash\"").get(0);

        assertThat(challenge.param("scope")).contains("a,b=c");
        assertThat(challenge.param("realm")).contains("back\\slash");
    }

    @Test
    void whenAChallengeIsWrittenBackThenItParsesToTheSameChallenge() {
        WwwAuthenticateChallenge challenge =
                WwwAuthenticateChallenge.of("Bearer", Map.of("error_description", "say \"hi\" \\ bye"));

        assertThat(parsed(challenge.toHeaderValue())).containsExactly(challenge);
        assertThat(WwwAuthenticateChallenge.ofToken68("Negotiate", "abc=").toHeaderValue())
                .isEqualTo("Negotiate abc=");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "Bearer realm=\"unterminated                 | quoted-string is not closed",
                "Bearer realm=\"ends in backslash\\          | quoted-string is not closed",
                "Bearer scope \"read\"                       | expected '=' after the auth-param name 'scope'",
                "Bearer realm=\"x\", scope \"read\"          | expected an auth-param name",
                "Bearer a=b, realm=                          | expected a token or a quoted-string",
                "Bearer a=b, realm=@                         | expected a token or a quoted-string",
                "Bearer resource_metadata=https://x.example/ | expected ',' or the end",
                "Bearer realm=\"x\" scope=\"y\"              | expected ',' or the end",
                "Bearer realm=\"x\", realm=\"y\"             | occurs twice",
                "Bearer realm=\"x\", REALM=\"y\"             | occurs twice",
                "Bearer=x                                    | expected a space or ','",
                "\"Bearer\"                                  | expected an auth-scheme",
                "Bearer @                                    | expected an auth-param name",
                "Bearer realm=\"a\u0001b\"                   | control character",
                "Beärer realm=x                              | expected a space or ','",
            })
    void whenTheFieldIsMalformedThenTheResultSaysWhereAndWhy(String value, String reason) {
        WwwAuthenticateParseResult result = WwwAuthenticate.parse(value);

        assertThat(result).isInstanceOfSatisfying(WwwAuthenticateParseResult.Malformed.class, malformed -> {
            assertThat(malformed.error().reason()).contains(reason);
            assertThat(malformed.error().message()).startsWith("malformed WWW-Authenticate");
        });
        assertThatThrownBy(result::challengesOrThrow)
                .isInstanceOf(WwwAuthenticateParseException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", ",", " , ,\t"})
    void whenTheFieldHoldsNoChallengeThenItIsMalformed(String value) {
        assertThat(WwwAuthenticate.parse(value))
                .isInstanceOfSatisfying(
                        WwwAuthenticateParseResult.Malformed.class,
                        malformed -> assertThat(malformed.error().reason()).contains("no challenge"));
    }

    @Test
    void whenTheFieldIsAbsentThenItIsMalformed() {
        assertThat(WwwAuthenticate.parse((String) null)).isInstanceOf(WwwAuthenticateParseResult.Malformed.class);
        assertThat(WwwAuthenticate.parse((List<String>) null)).isInstanceOf(WwwAuthenticateParseResult.Malformed.class);
        assertThat(WwwAuthenticate.parse(List.of())).isInstanceOf(WwwAuthenticateParseResult.Malformed.class);
    }

    @Test
    void whenTheErrorIsInALaterFieldLineThenItsIndexAndPositionAreNamed() {
        WwwAuthenticateParseResult result =
                WwwAuthenticate.parse(List.of("Basic realm=\"x\"", "Bearer scope=\"unclosed"));

        assertThat(result).isInstanceOfSatisfying(WwwAuthenticateParseResult.Malformed.class, malformed -> {
            assertThat(malformed.error().valueIndex()).isEqualTo(1);
            assertThat(malformed.error().position()).isEqualTo(13);
            assertThat(malformed.error().message()).startsWith("malformed WWW-Authenticate value #2:");
        });
    }

    @Test
    void whenAnyTextIsParsedThenNoExceptionEscapes() {
        Random random = new Random(9110);
        String alphabet = "Bearer realm=\"\\,; \t=abc\u0000\u007f\u00e9/:+-._~";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                value.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            WwwAuthenticateParseResult result = WwwAuthenticate.parse(value.toString());
            assertThat(result).isNotNull();
        }
    }

    private static List<WwwAuthenticateChallenge> parsed(String value) {
        WwwAuthenticateParseResult result = WwwAuthenticate.parse(value);
        assertThat(result).as("parse result of %s", value).isInstanceOf(WwwAuthenticateParseResult.Parsed.class);
        return ((WwwAuthenticateParseResult.Parsed) result).challenges();
    }
}
