package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the path that turns a fetched RFC 8414 / OpenID Connect discovery document into checked
 * authorization server metadata ({@link Discovery#checkedMetadata}). See docs/fuzzing.md.
 */
class AuthorizationServerMetadataFuzzTest {

    private static final URI ISSUER = URI.create("https://as.example.com");
    private static final URI URL = URI.create("https://as.example.com/.well-known/oauth-authorization-server");

    /**
     * The input is the document's bytes, read as UTF-8. It becomes metadata of the issuer asked for that supports
     * PKCE with S256, or a {@link DiscoveryException} of one of the three reasons a document can cause; never another
     * exception.
     */
    @FuzzTest
    void readsAnyDocumentIntoCheckedMetadataOrATypedError(byte[] input) {
        String json = new String(input, StandardCharsets.UTF_8);
        AuthorizationServerMetadata metadata;
        try {
            metadata = Discovery.checkedMetadata(ISSUER, URL, json);
        } catch (DiscoveryException e) {
            assertThat(e.reason())
                    .isIn(
                            DiscoveryException.Reason.METADATA_INVALID,
                            DiscoveryException.Reason.ISSUER_MISMATCH,
                            DiscoveryException.Reason.PKCE_UNSUPPORTED);
            DiscoveryMessages.assertSafe(e, URL.toString());
            return;
        }
        assertThat(metadata.getIssuer().getValue()).isEqualTo(ISSUER.toString());
        assertThat(metadata.getCodeChallengeMethods()).contains(CodeChallengeMethod.S256);
    }
}
