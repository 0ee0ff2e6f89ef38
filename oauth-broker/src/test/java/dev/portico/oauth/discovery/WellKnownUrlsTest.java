package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WellKnownUrlsTest {

    @Test
    void whenTheIssuerHasAPathThenTheRfc8414InsertedFormComesFirstThenOidcInsertedThenOidcAppended() {
        // RFC 8414 §3.1 example, then the MCP 2025-11-25 order.
        assertThat(WellKnownUrls.authorizationServerCandidates(URI.create("https://example.com/issuer1")))
                .containsExactly(
                        URI.create("https://example.com/.well-known/oauth-authorization-server/issuer1"),
                        URI.create("https://example.com/.well-known/openid-configuration/issuer1"),
                        URI.create("https://example.com/issuer1/.well-known/openid-configuration"));
    }

    @Test
    void whenTheIssuerHasATerminatingSlashThenItIsRemovedBeforeInserting() {
        // RFC 8414 §3.1: "any terminating / MUST be removed".
        assertThat(WellKnownUrls.authorizationServerCandidates(URI.create("https://example.com/tenant/a/")))
                .containsExactly(
                        URI.create("https://example.com/.well-known/oauth-authorization-server/tenant/a"),
                        URI.create("https://example.com/.well-known/openid-configuration/tenant/a"),
                        URI.create("https://example.com/tenant/a/.well-known/openid-configuration"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com", "https://example.com/", "https://EXAMPLE.com:443/"})
    void whenTheIssuerHasNoPathThenOnlyTheTwoRootLocationsAreTried(String issuer) {
        assertThat(WellKnownUrls.authorizationServerCandidates(URI.create(issuer)))
                .containsExactly(
                        URI.create("https://example.com/.well-known/oauth-authorization-server"),
                        URI.create("https://example.com/.well-known/openid-configuration"));
    }

    @Test
    void whenTheIssuerHasAPortThenItIsKept() {
        assertThat(WellKnownUrls.authorizationServerCandidates(URI.create("http://127.0.0.1:8080/default")))
                .first()
                .isEqualTo(URI.create("http://127.0.0.1:8080/.well-known/oauth-authorization-server/default"));
    }

    @Test
    void whenTheResourceHasAPathThenThePathInsertedFormComesBeforeTheRoot() {
        // RFC 9728 §3.1 example.
        assertThat(WellKnownUrls.protectedResourceCandidates(URI.create("https://resource.example.com/resource1")))
                .containsExactly(
                        URI.create("https://resource.example.com/.well-known/oauth-protected-resource/resource1"),
                        URI.create("https://resource.example.com/.well-known/oauth-protected-resource"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://resource.example.com", "https://resource.example.com/"})
    void whenTheResourceHasNoPathThenOnlyTheRootIsTried(String resource) {
        assertThat(WellKnownUrls.protectedResourceCandidates(URI.create(resource)))
                .containsExactly(URI.create("https://resource.example.com/.well-known/oauth-protected-resource"));
    }

    @Test
    void whenTheResourceHasATrailingSlashQueryOrFragmentThenTheSlashAndFragmentGoAndTheQueryStays() {
        assertThat(WellKnownUrls.protectedResourceCandidates(URI.create("https://r.example.com/mcp/?v=2#top")))
                .containsExactly(
                        URI.create("https://r.example.com/.well-known/oauth-protected-resource/mcp?v=2"),
                        URI.create("https://r.example.com/.well-known/oauth-protected-resource"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/relative", "mailto:a@example.com", "ftp://example.com/x"})
    void whenTheUrlIsNotAnAbsoluteHttpUrlThenItIsRejected(String url) {
        assertThatThrownBy(() -> WellKnownUrls.protectedResourceCandidates(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WellKnownUrls.authorizationServerCandidates(URI.create(url)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
