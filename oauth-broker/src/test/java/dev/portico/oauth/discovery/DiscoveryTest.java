package dev.portico.oauth.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.config.SecurityConfig;
import dev.portico.oauth.MutableClock;
import dev.portico.oauth.challenge.BearerChallenge;
import dev.portico.oauth.challenge.WwwAuthenticate;
import dev.portico.oauth.http.LoopbackServer;
import dev.portico.oauth.http.LoopbackServer.Reply;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.http.OutboundHttpSettings;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final String PRM_ROOT = "/.well-known/oauth-protected-resource";
    private static final String PRM_MCP = "/.well-known/oauth-protected-resource/mcp";
    private static final String AS_METADATA = "/.well-known/oauth-authorization-server/as";

    private final MutableClock clock = new MutableClock(Instant.parse("2025-11-25T12:00:00Z"));
    private LoopbackServer server;
    private OutboundHttp http;
    private Discovery discovery;
    private URI upstream;
    private URI issuer;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start();
        http = new OutboundHttp(OutboundHttpSettings.from(new SecurityConfig(true, List.of("127.0.0.0/8"))));
        discovery = new Discovery(http, TTL, clock);
        upstream = server.url("/mcp");
        issuer = server.url("/as");
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
    }

    @Test
    void whenThePathInsertedMetadataExistsThenItsFirstAuthorizationServerIsDiscovered() throws Exception {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(
                AS_METADATA,
                Reply.json(serverMetadata(issuer, "\"S256\"", ", \"client_id_metadata_document_supported\": true")));

        DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.empty());

        assertThat(found.resource()).isEqualTo(upstream);
        assertThat(found.issuer()).isEqualTo(issuer);
        assertThat(found.resourceMetadata())
                .hasValueSatisfying(m -> assertThat(m.scopesSupported()).containsExactly("tools:read"));
        assertThat(found.clientIdMetadataDocumentSupported()).isTrue();
        assertThat(found.registrationEndpoint()).contains(server.url("/as/register"));
        assertThat(found.authorizationServer().getTokenEndpointURI()).isEqualTo(server.url("/as/token"));
        assertThat(server.paths()).containsExactly(PRM_MCP, AS_METADATA);
    }

    @Test
    void whenOnlyTheRootMetadataExistsThenItIsUsedAfterThePathInsertedOneIsAbsent() throws Exception {
        URI origin = URI.create(server.origin());
        server.reply(PRM_ROOT, Reply.json(resourceMetadata(origin, issuer)));
        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));

        DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.empty());

        assertThat(found.resource()).isEqualTo(origin);
        assertThat(found.clientIdMetadataDocumentSupported()).isFalse();
        assertThat(found.registrationEndpoint()).contains(server.url("/as/register"));
        assertThat(server.paths()).containsExactly(PRM_MCP, PRM_ROOT, AS_METADATA);
    }

    @Test
    void whenTheChallengeNamesResourceMetadataThenOnlyThatLocationIsFetched() throws Exception {
        server.reply("/meta/mcp.json", Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));
        BearerChallenge challenge = BearerChallenge.find(WwwAuthenticate.parse("Bearer resource_metadata=\""
                                + server.url("/meta/mcp.json") + "\", scope=\"tools:read\"")
                        .challengesOrThrow())
                .orElseThrow();

        DiscoveredAuthorization found = discovery.discover(upstream, Optional.of(challenge), Optional.empty());

        assertThat(found.issuer()).isEqualTo(issuer);
        assertThat(server.paths()).containsExactly("/meta/mcp.json", AS_METADATA);
    }

    @Test
    void whenTheChallengeNamesResourceMetadataOnAnotherOriginThenNothingIsFetchedUnlessConfigAllowsIt()
            throws Exception {
        try (LoopbackServer elsewhere = LoopbackServer.start()) {
            elsewhere.reply("/meta/mcp.json", Reply.json(resourceMetadata(upstream, issuer)));
            server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));
            BearerChallenge challenge = BearerChallenge.find(WwwAuthenticate.parse(
                                    "Bearer resource_metadata=\"" + elsewhere.url("/meta/mcp.json") + "\"")
                            .challengesOrThrow())
                    .orElseThrow();

            assertThatThrownBy(() -> discovery.discover(upstream, Optional.of(challenge), Optional.empty()))
                    .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                            .isEqualTo(DiscoveryException.Reason.RESOURCE_METADATA_ORIGIN))
                    .hasMessageContaining("another origin")
                    .hasMessageContaining("security.allowCrossOriginResourceMetadata");
            assertThat(elsewhere.paths()).isEmpty();

            Discovery permissive = new Discovery(http, TTL, clock, true);
            DiscoveredAuthorization found = permissive.discover(upstream, Optional.of(challenge), Optional.empty());
            assertThat(found.issuer()).isEqualTo(issuer);
            assertThat(elsewhere.paths()).containsExactly("/meta/mcp.json");
        }
    }

    @Test
    void whenTheChallengesResourceMetadataIsMissingThenDiscoveryFailsWithoutGuessing() throws Exception {
        BearerChallenge challenge = BearerChallenge.find(
                        WwwAuthenticate.parse("Bearer resource_metadata=\"" + server.url("/gone.json") + "\"")
                                .challengesOrThrow())
                .orElseThrow();

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.of(challenge), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA))
                .hasMessage("the protected resource metadata at " + server.url("/gone.json") + " answered HTTP 404");
    }

    @Test
    void whenTheMetadataIsForAnotherResourceThenDiscoveryRefusesIt() {
        URI other = server.url("/other");
        server.reply(PRM_MCP, Reply.json(resourceMetadata(other, issuer)));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.RESOURCE_MISMATCH))
                .hasMessageContaining("resource " + other)
                .hasMessageContaining("upstream URL " + upstream);
        assertThat(server.count(AS_METADATA)).isZero();
    }

    @Test
    void whenThereIsNoMetadataButAPinnedIssuerThenThePinAndTheCanonicalUpstreamAreUsed() throws Exception {
        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));
        URI upstreamWithSlash = server.url("/mcp/");

        DiscoveredAuthorization found = discovery.discover(upstreamWithSlash, Optional.empty(), Optional.of(issuer));

        assertThat(found.resourceMetadata()).isEmpty();
        assertThat(found.resource()).isEqualTo(upstream);
        assertThat(found.issuer()).isEqualTo(issuer);
    }

    @Test
    void whenMetadataAndAPinnedIssuerExistThenThePinChoosesTheServerAndTheMetadataTheResource() throws Exception {
        URI pinned = server.url("/pinned");
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(
                "/.well-known/oauth-authorization-server/pinned", Reply.json(serverMetadata(pinned, "\"S256\"", "")));

        DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.of(pinned));

        assertThat(found.issuer()).isEqualTo(pinned);
        assertThat(found.resourceMetadata()).isPresent();
        assertThat(server.count(AS_METADATA)).isZero();
    }

    @Test
    void whenThereIsNoMetadataAndNoPinThenTheMessageNamesTheLocationsTried() {
        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA))
                .hasMessageContaining(server.url(PRM_MCP).toString())
                .hasMessageContaining(server.url(PRM_ROOT).toString());
    }

    @Test
    void whenTheMetadataListsNoAuthorizationServerThenDiscoveryFails() {
        server.reply(PRM_MCP, Reply.json("{\"resource\": \"" + upstream + "\"}"));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.NO_AUTHORIZATION_SERVER));
    }

    @Test
    void whenAWellKnownLocationAnswersAnErrorThenDiscoveryStopsThere() {
        server.reply(PRM_MCP, Reply.status(500));
        server.reply(PRM_ROOT, Reply.json(resourceMetadata(upstream, issuer)));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA))
                .hasMessageContaining("answered HTTP 500");
        assertThat(server.count(PRM_ROOT)).isZero();
    }

    @Test
    void whenTheMetadataRedirectsThenTheRedirectIsNotFollowed() {
        server.reply(
                PRM_MCP,
                new Reply(
                        302,
                        java.util.Map.of("Location", server.url("/elsewhere").toString()),
                        ""));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.PROTECTED_RESOURCE_METADATA))
                .hasMessageContaining("answered HTTP 302 (a redirect to " + server.url("/elsewhere"));
        assertThat(server.count("/elsewhere")).isZero();
    }

    @Test
    void whenTheAuthorizationServerPublishesOnlyOidcAppendedMetadataThenItIsFoundLast() throws Exception {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply("/as/.well-known/openid-configuration", Reply.json(serverMetadata(issuer, "\"S256\"", "")));

        DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.empty());

        assertThat(found.issuer()).isEqualTo(issuer);
        assertThat(server.paths())
                .containsExactly(
                        PRM_MCP,
                        AS_METADATA,
                        "/.well-known/openid-configuration/as",
                        "/as/.well-known/openid-configuration");
    }

    @Test
    void whenTheAuthorizationServerDoesNotListS256ThenDiscoveryRefusesIt() {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"plain\"", "")));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.PKCE_UNSUPPORTED))
                .hasMessageStartingWith("refusing: the authorization server " + issuer + " does not list S256");
    }

    @Test
    void whenTheMetadataNamesAnotherIssuerThenDiscoveryRefusesIt() {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.json(serverMetadata(URI.create(issuer + "/"), "\"S256\"", "")));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.ISSUER_MISMATCH))
                .hasMessageContaining("names the issuer \"" + issuer + "/\", not \"" + issuer + "\"");
    }

    @Test
    void whenTheAuthorizationServerMetadataIsNotJsonThenTheMessageNamesItsUrl() {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.json("<html>oops</html>"));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.METADATA_INVALID))
                .hasMessageStartingWith(
                        "the authorization server metadata at " + server.url(AS_METADATA) + " is invalid");
    }

    @Test
    void whenTheAuthorizationServerIsNotAnAllowedAddressThenDiscoveryCallsItUnreachable() {
        URI metadataHost = URI.create("https://169.254.169.254/as");
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, metadataHost)));

        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.UNREACHABLE))
                .hasMessageContaining("https://169.254.169.254/.well-known/oauth-authorization-server/as")
                .hasMessageContaining("the cloud metadata endpoint");
    }

    @Test
    void whenDiscoveredAgainWithinTheTtlThenNothingIsFetchedAndAfterItEverythingIs() throws Exception {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));

        discovery.discover(upstream, Optional.empty(), Optional.empty());
        clock.advance(TTL.minusSeconds(1));
        discovery.discover(upstream, Optional.empty(), Optional.empty());
        assertThat(server.count(PRM_MCP)).isEqualTo(1);
        assertThat(server.count(AS_METADATA)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        discovery.discover(upstream, Optional.empty(), Optional.empty());
        assertThat(server.count(PRM_MCP)).isEqualTo(2);
        assertThat(server.count(AS_METADATA)).isEqualTo(2);
    }

    @Test
    void whenDiscoveryFailedThenTheNextAttemptFetchesAgain() throws Exception {
        server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, issuer)));
        server.reply(AS_METADATA, Reply.status(503));
        assertThatThrownBy(() -> discovery.discover(upstream, Optional.empty(), Optional.empty()))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.AUTHORIZATION_SERVER_METADATA));

        server.reply(AS_METADATA, Reply.json(serverMetadata(issuer, "\"S256\"", "")));
        DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.empty());

        assertThat(found.issuer()).isEqualTo(issuer);
        assertThat(server.count(AS_METADATA)).isEqualTo(2);
        assertThat(server.count(PRM_MCP)).isEqualTo(1);
    }

    @Test
    void whenTheIssuerIsAMockOAuth2ServerThenItsOpenIdMetadataIsDiscovered() throws Exception {
        MockOAuth2Server mock = new MockOAuth2Server();
        mock.start();
        try {
            URI mockIssuer = URI.create(mock.issuerUrl("default").toString());
            server.reply(PRM_MCP, Reply.json(resourceMetadata(upstream, mockIssuer)));

            DiscoveredAuthorization found = discovery.discover(upstream, Optional.empty(), Optional.empty());

            assertThat(found.issuer()).isEqualTo(mockIssuer);
            assertThat(found.authorizationServer().getTokenEndpointURI()).isNotNull();
            assertThat(found.authorizationServer().getCodeChallengeMethods())
                    .extracting(Object::toString)
                    .contains("S256");
        } finally {
            mock.shutdown();
        }
    }

    private static String resourceMetadata(URI resource, URI authorizationServer) {
        return """
                {"resource": "%s", "authorization_servers": ["%s"], "scopes_supported": ["tools:read"]}
                """
                .formatted(resource, authorizationServer);
    }

    /** RFC 8414 metadata with the given {@code code_challenge_methods_supported} entries and extra fields. */
    private static String serverMetadata(URI issuer, String challengeMethods, String extra) {
        return """
                {"issuer": "%1$s",
                 "authorization_endpoint": "%1$s/authorize",
                 "token_endpoint": "%1$s/token",
                 "registration_endpoint": "%1$s/register",
                 "response_types_supported": ["code"],
                 "code_challenge_methods_supported": [%2$s]%3$s}
                """
                .formatted(issuer, challengeMethods, extra);
    }

    /** Found by AuthorizationServerMetadataFuzzTest: Nimbus's message quoted a DEL character of the document. */
    @Test
    void whenNimbusQuotesAControlCharacterOfTheDocumentThenTheMessageHasItReplaced() {
        URI url = URI.create("https://as.example.com/.well-known/oauth-authorization-server");
        String json =
                "{\"issuer\": \"https://as.example.com/a b\u007f\", \"code_challenge_methods_supported\": [\"S256\"]}";

        assertThatThrownBy(() -> Discovery.checkedMetadata(URI.create("https://as.example.com"), url, json))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.METADATA_INVALID))
                .hasMessageStartingWith("the authorization server metadata at " + url + " is invalid: ")
                .hasMessageNotContaining("\u007f");
    }

    /** Found by AuthorizationServerMetadataFuzzTest: Nimbus threw IllegalArgumentException for the empty issuer. */
    @Test
    void whenTheIssuerIsEmptyThenTheMetadataIsInvalid() {
        URI url = URI.create("https://as.example.com/.well-known/oauth-authorization-server");
        String json = "{\"issuer\": \"\", \"code_challenge_methods_supported\": [\"S256\"]}";

        assertThatThrownBy(() -> Discovery.checkedMetadata(URI.create("https://as.example.com"), url, json))
                .isInstanceOfSatisfying(DiscoveryException.class, e -> assertThat(e.reason())
                        .isEqualTo(DiscoveryException.Reason.METADATA_INVALID))
                .hasMessageStartingWith("the authorization server metadata at " + url + " is invalid: ");
    }
}
