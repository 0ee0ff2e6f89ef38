package dev.portico.cimd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIdUrlTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://portico.example/.well-known/oauth-client.json",
                "https://portico.example:8443/client.json",
                "https://portico.example/",
                "https://portico.example/client.json?v=2",
                "http://127.0.0.1:8080/.well-known/oauth-client.json",
                "http://127.1.2.3/client.json",
                "http://localhost:9000/client.json",
                "http://[::1]:9000/client.json"
            })
    void whenValidThenNoProblems(String url) {
        assertThat(ClientMetadataDocument.clientIdUrlProblems(URI.create(url))).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://portico.example/client.json | uses http; it must use https",
                "http://10.0.0.1/client.json | uses http; it must use https",
                "http://127.0.0.1.example/client.json | uses http; it must use https",
                "ftp://portico.example/client.json | must use https, not ftp",
                "https://portico.example | has no path",
                "https://portico.example/a/../client.json | has a \".\" or \"..\" path segment",
                "https://portico.example/./client.json | has a \".\" or \"..\" path segment",
                "https://portico.example/%2E%2E/client.json | has a \".\" or \"..\" path segment",
                "https://portico.example/client.json#top | has a fragment",
                "/client.json | is not an absolute URL",
                "urn:example:client | is not an absolute URL"
            })
    void whenInvalidThenProblemSaysWhy(String url, String expected) {
        assertThat(ClientMetadataDocument.clientIdUrlProblems(URI.create(url)))
                .singleElement()
                .asString()
                .contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://alice:pw@portico.example/client.json", "https://alice@portico.example/c.json"})
    void whenUserInfoThenProblemWithoutQuotingIt(String url) {
        assertThat(ClientMetadataDocument.clientIdUrlProblems(URI.create(url)))
                .containsExactly("the client_id has a user name or password; it must not");
    }
}
