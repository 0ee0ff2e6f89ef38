package dev.portico.cimd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.OAuthConfig;
import java.net.URI;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClientMetadataCheckTest {

    private static final URI URL = URI.create("https://portico.example/.well-known/oauth-client.json");
    private static final URI CALLBACK = URI.create("https://portico.example/oauth/callback");

    @Test
    void whenDocumentIsPorticosOwnThenNoProblems() {
        String json = ClientMetadataDocument.from(OAuthConfig.defaults(), URI.create("https://portico.example"))
                .toJson();

        assertThat(ClientMetadataDocument.check(URL, json, CALLBACK)).isEmpty();
    }

    @Test
    void whenUnknownMembersThenTolerated() {
        String json = document("\"client_id\":\"" + URL + "\"", "\"logo_uri\":\"https://portico.example/logo.png\"");

        assertThat(ClientMetadataDocument.check(URL, json, CALLBACK)).isEmpty();
    }

    static Stream<Arguments> contradictions() {
        return Stream.of(
                Arguments.of("not JSON", "{\"client_id\": ", "the document is not JSON: "),
                Arguments.of("empty", "", "the document is not a JSON object"),
                Arguments.of("an array", "[]", "the document is not a JSON object"),
                Arguments.of(
                        "client_id missing",
                        document(),
                        "client_id is missing; it must be the document's own URL, " + URL),
                Arguments.of("client_id not a string", document("\"client_id\":42"), "client_id is not a string"),
                Arguments.of(
                        "client_id with a trailing slash",
                        document("\"client_id\":\"" + URL + "/\""),
                        "client_id \"" + URL + "/\" differs from the URL the document is served from, " + URL),
                Arguments.of(
                        "client_id of another host",
                        document("\"client_id\":\"https://other.example/.well-known/oauth-client.json\""),
                        "client_id \"https://other.example/.well-known/oauth-client.json\" differs from the URL"),
                Arguments.of(
                        "redirect_uris missing",
                        "{\"client_id\":\"" + URL + "\",\"token_endpoint_auth_method\":\"none\"}",
                        "redirect_uris is missing; it must contain Portico's callback " + CALLBACK),
                Arguments.of(
                        "redirect_uris without the callback",
                        "{\"client_id\":\"" + URL + "\",\"redirect_uris\":[\"https://portico.example/other\"],"
                                + "\"token_endpoint_auth_method\":\"none\"}",
                        "redirect_uris does not contain Portico's callback " + CALLBACK),
                Arguments.of(
                        "redirect_uris a string",
                        "{\"client_id\":\"" + URL + "\",\"redirect_uris\":\"" + CALLBACK + "\","
                                + "\"token_endpoint_auth_method\":\"none\"}",
                        "redirect_uris is not an array"),
                Arguments.of(
                        "auth method missing",
                        "{\"client_id\":\"" + URL + "\",\"redirect_uris\":[\"" + CALLBACK + "\"]}",
                        "token_endpoint_auth_method is missing (which means client_secret_basic)"),
                Arguments.of(
                        "auth method client_secret_basic",
                        "{\"client_id\":\"" + URL + "\",\"redirect_uris\":[\"" + CALLBACK + "\"],"
                                + "\"token_endpoint_auth_method\":\"client_secret_basic\"}",
                        "token_endpoint_auth_method is \"client_secret_basic\"; Portico is a public client and needs"
                                + " \"none\""),
                Arguments.of(
                        "client_secret present",
                        document("\"client_id\":\"" + URL + "\"", "\"client_secret\":\"s3cret\""),
                        "client_secret is present; a Client ID Metadata Document cannot carry a shared secret"),
                Arguments.of(
                        "grant_types without authorization_code",
                        document("\"client_id\":\"" + URL + "\"", "\"grant_types\":[\"client_credentials\"]"),
                        "grant_types does not contain \"authorization_code\""),
                Arguments.of(
                        "response_types without code",
                        document("\"client_id\":\"" + URL + "\"", "\"response_types\":[\"token\"]"),
                        "response_types does not contain \"code\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contradictions")
    void whenContradictionThenReported(String name, String json, String expectedProblem) {
        assertThat(ClientMetadataDocument.check(URL, json, CALLBACK))
                .singleElement()
                .asString()
                .startsWith(expectedProblem);
    }

    @Test
    void whenSecretValueInDocumentThenProblemDoesNotQuoteIt() {
        String json = document("\"client_id\":\"" + URL + "\"", "\"client_secret\":\"s3cret\"");

        assertThat(ClientMetadataDocument.check(URL, json, CALLBACK)).noneMatch(p -> p.contains("s3cret"));
    }

    @Test
    void whenDocumentUrlIsInvalidThenUrlProblemComesFirst() {
        URI http = URI.create("http://portico.example/client.json");
        String json = document("\"client_id\":\"" + http + "\"");

        assertThat(ClientMetadataDocument.check(http, json, CALLBACK))
                .containsExactly("the client_id \"" + http + "\" uses http; it must use https (http is accepted only"
                        + " on a loopback host)");
    }

    /** A consistent document with the given members (redirect_uris and auth method filled in). */
    private static String document(String... members) {
        StringBuilder json = new StringBuilder("{");
        for (String member : members) {
            json.append(member).append(',');
        }
        json.append("\"redirect_uris\":[\"").append(CALLBACK).append("\"],");
        json.append("\"token_endpoint_auth_method\":\"none\"}");
        return json.toString();
    }
}
