package dev.portico.cimd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.OAuthConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientMetadataDocumentTest {

    private static final URI BASE = URI.create("https://portico.example");

    @Test
    void whenDefaultsThenDocumentNamesItsOwnUrlAndTheCallback() {
        ClientMetadataDocument document = ClientMetadataDocument.from(OAuthConfig.defaults(), BASE);

        assertThat(document.clientId()).isEqualTo(URI.create("https://portico.example/.well-known/oauth-client.json"));
        assertThat(document.clientName()).isEqualTo("Portico");
        assertThat(document.clientUri()).isEmpty();
        assertThat(document.redirectUris()).containsExactly(URI.create("https://portico.example/oauth/callback"));
        assertThat(document.redirectUri()).isEqualTo(URI.create("https://portico.example/oauth/callback"));
        assertThat(document.grantTypes()).containsExactly("authorization_code", "refresh_token");
        assertThat(document.responseTypes()).containsExactly("code");
        assertThat(document.tokenEndpointAuthMethod()).isEqualTo("none");
        assertThat(document.problems()).isEmpty();
    }

    @Test
    void whenDefaultsThenJsonHasStableMemberOrderAndNoClientUri() {
        String json = ClientMetadataDocument.from(OAuthConfig.defaults(), BASE).toJson();

        assertThat(json)
                .isEqualTo("{\"client_id\":\"https://portico.example/.well-known/oauth-client.json\","
                        + "\"client_name\":\"Portico\","
                        + "\"redirect_uris\":[\"https://portico.example/oauth/callback\"],"
                        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
                        + "\"response_types\":[\"code\"],"
                        + "\"token_endpoint_auth_method\":\"none\"}");
    }

    @Test
    void whenOverridesThenDocumentUsesThem() {
        OAuthConfig oauth = new OAuthConfig(
                "/auth/cb",
                "/client.json",
                Optional.empty(),
                "Acme \"Gateway\"",
                Optional.of(URI.create("https://acme.example/about")),
                Duration.ofMinutes(5),
                Duration.ofMinutes(5));

        ClientMetadataDocument document =
                ClientMetadataDocument.from(oauth, URI.create("https://acme.example/mcp-gw/"));

        assertThat(document.clientId()).isEqualTo(URI.create("https://acme.example/mcp-gw/client.json"));
        assertThat(document.redirectUri()).isEqualTo(URI.create("https://acme.example/mcp-gw/auth/cb"));
        assertThat(document.toJson())
                .isEqualTo("{\"client_id\":\"https://acme.example/mcp-gw/client.json\","
                        + "\"client_name\":\"Acme \\\"Gateway\\\"\","
                        + "\"client_uri\":\"https://acme.example/about\","
                        + "\"redirect_uris\":[\"https://acme.example/mcp-gw/auth/cb\"],"
                        + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],"
                        + "\"response_types\":[\"code\"],"
                        + "\"token_endpoint_auth_method\":\"none\"}");
        assertThat(document.problems()).isEmpty();
    }

    @Test
    void whenClientMetadataUrlConfiguredThenItIsTheClientId() {
        URI hosted = URI.create("https://static.example/portico/client.json");
        OAuthConfig oauth = withClientMetadataUrl(hosted);

        ClientMetadataDocument document = ClientMetadataDocument.from(oauth, BASE);

        assertThat(document.clientId()).isEqualTo(hosted);
        assertThat(document.redirectUri()).isEqualTo(URI.create("https://portico.example/oauth/callback"));
        assertThat(document.toJson()).startsWith("{\"client_id\":\"https://static.example/portico/client.json\",");
    }

    @Test
    void whenLoopbackHttpBaseThenNoProblems() {
        ClientMetadataDocument document =
                ClientMetadataDocument.from(OAuthConfig.defaults(), URI.create("http://127.0.0.1:8080"));

        assertThat(document.problems()).isEmpty();
    }

    @Test
    void whenPublicHttpBaseThenProblemSaysHttps() {
        ClientMetadataDocument document =
                ClientMetadataDocument.from(OAuthConfig.defaults(), URI.create("http://portico.example"));

        assertThat(document.problems())
                .containsExactly("the client_id \"http://portico.example/.well-known/oauth-client.json\" uses http; it"
                        + " must use https (http is accepted only on a loopback host)");
    }

    @Test
    void whenBaseIsNotAnHttpUrlThenTypedError() {
        assertThatThrownBy(() -> ClientMetadataDocument.from(OAuthConfig.defaults(), URI.create("portico.example")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the public base URL must be an absolute http or https URL with a host: portico.example");
        assertThatThrownBy(() ->
                        ClientMetadataDocument.from(OAuthConfig.defaults(), URI.create("https://portico.example/?x=1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the public base URL must not have a query or fragment: https://portico.example/?x=1");
    }

    @Test
    void whenPathLacksLeadingSlashThenTypedError() {
        OAuthConfig oauth = new OAuthConfig(
                "oauth/callback",
                OAuthConfig.DEFAULT_CIMD_PATH,
                Optional.empty(),
                "Portico",
                Optional.empty(),
                Duration.ofMinutes(1),
                Duration.ofMinutes(1));

        assertThatThrownBy(() -> ClientMetadataDocument.from(oauth, BASE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("oauth.callbackPath must start with \"/\": oauth/callback");
    }

    @Test
    void listsAreImmutable() {
        ClientMetadataDocument document = ClientMetadataDocument.from(OAuthConfig.defaults(), BASE);

        assertThatThrownBy(() -> document.redirectUris().add(BASE)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(document.grantTypes()).isEqualTo(List.of("authorization_code", "refresh_token"));
    }

    static OAuthConfig withClientMetadataUrl(URI url) {
        OAuthConfig d = OAuthConfig.defaults();
        return new OAuthConfig(
                d.callbackPath(),
                d.cimdPath(),
                Optional.of(url),
                d.clientName(),
                d.clientUri(),
                d.stateTtl(),
                d.metadataCacheTtl());
    }
}
