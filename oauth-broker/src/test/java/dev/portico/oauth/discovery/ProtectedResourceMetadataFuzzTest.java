package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Coverage-guided fuzzing of the RFC 9728 protected resource metadata parser, which reads a document any upstream
 * (or whatever its {@code resource_metadata} points at) serves. See docs/fuzzing.md.
 */
class ProtectedResourceMetadataFuzzTest {

    private static final URI SOURCE = URI.create("https://resource.example.com/.well-known/oauth-protected-resource");

    /**
     * The input is the document's bytes, read as UTF-8. It becomes metadata whose URLs meet RFC 9728 §2, or a
     * {@link DiscoveryException} saying the metadata is invalid; never another exception.
     */
    @FuzzTest
    void readsAnyDocumentIntoMetadataOrATypedError(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        ProtectedResourceMetadata metadata;
        try {
            metadata = ProtectedResourceMetadata.parse(json, SOURCE);
        } catch (DiscoveryException e) {
            assertThat(e.reason()).isEqualTo(DiscoveryException.Reason.METADATA_INVALID);
            DiscoveryMessages.assertSafe(e, SOURCE.toString());
            return;
        }
        assertHttpUrlWithHost(metadata.resource());
        assertThat(metadata.resource().getRawFragment()).isNull();
        for (URI server : metadata.authorizationServers()) {
            assertHttpUrlWithHost(server);
            assertThat(server.getRawQuery()).isNull();
            assertThat(server.getRawFragment()).isNull();
        }
        assertThat(metadata.scopesSupported()).doesNotContainNull();
        assertThat(metadata.source()).isEqualTo(SOURCE);
    }

    private static void assertHttpUrlWithHost(URI uri) {
        assertThat(uri.getScheme().toLowerCase(Locale.ROOT)).isIn("http", "https");
        assertThat(uri.getHost()).isNotNull();
    }
}
