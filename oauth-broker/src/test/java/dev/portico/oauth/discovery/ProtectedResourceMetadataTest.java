package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProtectedResourceMetadataTest {

    private static final URI SOURCE = URI.create("https://resource.example.com/.well-known/oauth-protected-resource");

    @Test
    void whenTheRfc9728ExampleIsParsedThenEveryFieldIsRead() throws Exception {
        // RFC 9728 §3.2, with a resource_name and a field this class does not know.
        ProtectedResourceMetadata metadata = ProtectedResourceMetadata.parse(
                """
                {"resource": "https://resource.example.com",
                 "authorization_servers": ["https://as1.example.com", "https://as2.example.net"],
                 "bearer_methods_supported": ["header", "body"],
                 "scopes_supported": ["profile", "email", "phone"],
                 "resource_name": "Example MCP",
                 "resource_documentation": "https://resource.example.com/resource_documentation.html"}
                """,
                SOURCE);

        assertThat(metadata.resource()).isEqualTo(URI.create("https://resource.example.com"));
        assertThat(metadata.authorizationServers())
                .containsExactly(URI.create("https://as1.example.com"), URI.create("https://as2.example.net"));
        assertThat(metadata.scopesSupported()).containsExactly("profile", "email", "phone");
        assertThat(metadata.resourceName()).contains("Example MCP");
        assertThat(metadata.source()).isEqualTo(SOURCE);
    }

    @Test
    void whenOptionalFieldsAreAbsentOrNullThenTheyAreEmpty() throws Exception {
        ProtectedResourceMetadata metadata = ProtectedResourceMetadata.parse(
                "{\"resource\": \"https://r.example.com/mcp\", \"scopes_supported\": null, \"resource_name\": null}",
                SOURCE);

        assertThat(metadata.authorizationServers()).isEmpty();
        assertThat(metadata.scopesSupported()).isEmpty();
        assertThat(metadata.resourceName()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "not json                                                       | is not a JSON object",
                "[\"https://r.example.com\"]                                    | is not a JSON object",
                "{}                                                             | has no \"resource\"",
                "{\"resource\": 42}                                             | \"resource\" that is not a string",
                "{\"resource\": \"/relative\"}                                  | \"resource\" \"/relative\"",
                "{\"resource\": \"https://r.example.com#frag\"}                 | without a fragment",
                "{\"resource\": \"urn:example:r\"}                              | \"resource\" \"urn:example:r\"",
                "{\"resource\": \"https://r.example.com\", \"authorization_servers\": \"https://as\"} | \"authorization_servers\" that is not an array",
                "{\"resource\": \"https://r.example.com\", \"authorization_servers\": [1]}            | \"authorization_servers\" that is not an array",
                "{\"resource\": \"https://r.example.com\", \"authorization_servers\": [\"https://as.example.com?x=1\"]} | \"authorization_servers[0]\"",
                "{\"resource\": \"https://r.example.com\", \"scopes_supported\": \"a b\"}             | \"scopes_supported\" that is not an array",
                "{\"resource\": \"https://r.example.com\", \"resource_name\": []}                     | \"resource_name\" that is not a string",
            })
    void whenTheDocumentIsInvalidThenTheMessageNamesTheUrlAndTheField(String json, String problem) {
        assertThatThrownBy(() -> ProtectedResourceMetadata.parse(json, SOURCE))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.METADATA_INVALID))
                .hasMessageStartingWith("the protected resource metadata at " + SOURCE + " ")
                .hasMessageContaining(problem);
    }

    /** Found by ProtectedResourceMetadataFuzzTest: the JSON parser's message quoted the NULs of the document. */
    @Test
    void whenTheParserQuotesControlCharactersThenTheMessageHasThemReplaced() {
        String json = "{\"resource\": \"https://r.example.com\", \"x\": [\"s\" 3" + "\u0000".repeat(40) + "]}";

        assertThatThrownBy(() -> ProtectedResourceMetadata.parse(json, SOURCE))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.getMessage())
                        .startsWith("the protected resource metadata at " + SOURCE + " is not a JSON object (")
                        .doesNotContain("\u0000"));
    }
}
