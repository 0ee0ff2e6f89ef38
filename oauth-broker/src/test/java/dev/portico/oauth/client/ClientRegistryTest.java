package dev.portico.oauth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.minidev.json.JSONArray;
import net.minidev.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

class ClientRegistryTest {

    private static final URI DOCUMENT_URL = URI.create("https://portico.example/.well-known/oauth-client.json");
    private static final URI REDIRECT_URI = URI.create("https://portico.example/oauth/callback");
    private static final String CONFIGURED_SECRET = "configured-secret-7f3a";
    private static final String REGISTERED_SECRET = "registered-secret-c41d";

    private RegistrationEndpoint endpoint;
    private ClientRegistry registry;
    private ListAppender<ILoggingEvent> logs;
    private Logger registryLogger;

    @BeforeEach
    void start() throws Exception {
        endpoint = RegistrationEndpoint.start();
        registry = new ClientRegistry(portico(DOCUMENT_URL), new JdkHttpRequestSender());
        registryLogger = (Logger) LoggerFactory.getLogger(ClientRegistry.class);
        logs = new ListAppender<>();
        logs.start();
        registryLogger.addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        registryLogger.detachAppender(logs);
        endpoint.close();
    }

    // --- configured client -------------------------------------------------------------------------------------

    @Test
    void whenClientIsConfiguredWithBasicThenItWinsOverMetadataDocumentAndRegistration() throws Exception {
        ClientIdentity identity = registry.identify(
                "docs",
                configured("portico-docs", CONFIGURED_SECRET, ClientAuthMethod.CLIENT_SECRET_BASIC),
                server(true, null, true));

        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.CONFIGURED);
        assertThat(identity.clientId().getValue()).isEqualTo("portico-docs");
        assertThat(identity.method()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(identity.authentication()).isInstanceOfSatisfying(ClientSecretBasic.class, basic -> {
            assertThat(basic.getClientID().getValue()).isEqualTo("portico-docs");
            assertThat(basic.getClientSecret().getValue()).isEqualTo(CONFIGURED_SECRET);
        });
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void whenClientIsConfiguredWithPostThenAuthenticationIsClientSecretPost() throws Exception {
        ClientIdentity identity = registry.identify(
                "docs",
                configured("portico-docs", CONFIGURED_SECRET, ClientAuthMethod.CLIENT_SECRET_POST),
                server(false, null, true));

        assertThat(identity.authentication()).isInstanceOfSatisfying(ClientSecretPost.class, post -> assertThat(
                        post.getClientSecret().getValue())
                .isEqualTo(CONFIGURED_SECRET));
        assertThat(identity.toString()).doesNotContain(CONFIGURED_SECRET);
    }

    @Test
    void whenConfiguredClientIsPublicThenAuthenticationIsNullAndNoSecret() throws Exception {
        ClientIdentity identity = registry.identify(
                "docs", configured("portico-docs", null, ClientAuthMethod.NONE), server(true, null, true));

        assertThat(identity.secret()).isEmpty();
        assertThat(identity.authentication()).isNull();
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void whenConfiguredMethodIsNotAdvertisedThenItIsUsedAndWarnedOncePerUpstream() throws Exception {
        AuthorizationServerMetadata server = server(false, List.of("client_secret_basic", "private_key_jwt"), true);
        UpstreamAuthConfig auth = configured("portico-docs", CONFIGURED_SECRET, ClientAuthMethod.CLIENT_SECRET_POST);

        ClientIdentity first = registry.identify("docs", auth, server);
        registry.identify("docs", auth, server);

        assertThat(first.method()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(logs.list)
                .filteredOn(event -> event.getLevel() == Level.WARN)
                .singleElement()
                .satisfies(event -> assertThat(event.getFormattedMessage())
                        .contains("'docs'", "client_secret_post", endpoint.issuer())
                        .doesNotContain(CONFIGURED_SECRET));
    }

    @Test
    void whenConfiguredSecretHasMethodNoneThenErrorNamesTheSettingsAndNotTheSecret() {
        assertThatThrownBy(() -> registry.identify(
                        "docs",
                        configured("portico-docs", CONFIGURED_SECRET, ClientAuthMethod.NONE),
                        server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("auth.clientAuthMethod")
                .hasMessageContaining("'docs'")
                .message()
                .doesNotContain(CONFIGURED_SECRET);
    }

    @Test
    void whenConfiguredMethodNeedsASecretThatIsMissingThenErrorNamesAuthClientSecret() {
        assertThatThrownBy(() -> registry.identify(
                        "docs",
                        configured("portico-docs", null, ClientAuthMethod.CLIENT_SECRET_BASIC),
                        server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("auth.clientSecret");
    }

    // --- Client ID Metadata Document ---------------------------------------------------------------------------

    @Test
    void whenServerSupportsMetadataDocumentsThenClientIdIsTheDocumentUrl() throws Exception {
        ClientIdentity identity = registry.identify("docs", UpstreamAuthConfig.discovered(), server(true, null, true));

        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.METADATA_DOCUMENT);
        assertThat(identity.clientId().getValue()).isEqualTo(DOCUMENT_URL.toString());
        assertThat(identity.secret()).isEmpty();
        assertThat(identity.method()).isEqualTo(ClientAuthMethod.NONE);
        assertThat(identity.authentication()).isNull();
        assertThat(endpoint.requests()).isEmpty();
    }

    @Test
    void whenMetadataDocumentFlagIsNotTheBooleanTrueThenPorticoRegisters() throws Exception {
        AuthorizationServerMetadata server = server(false, null, true);
        server.setCustomParameter(ClientRegistry.CIMD_SUPPORTED, "true");

        ClientIdentity identity = registry.identify("docs", UpstreamAuthConfig.discovered(), server);

        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.DYNAMIC_REGISTRATION);
    }

    @Test
    void whenDocumentUrlIsPlainHttpOnAPublicHostThenPorticoFallsBackToRegistration() throws Exception {
        ClientRegistry plainHttp = new ClientRegistry(
                portico(URI.create("http://portico.example.com/.well-known/oauth-client.json")),
                new JdkHttpRequestSender());

        ClientIdentity identity = plainHttp.identify("docs", UpstreamAuthConfig.discovered(), server(true, null, true));

        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.DYNAMIC_REGISTRATION);
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void whenDocumentUrlIsPlainHttpOnLoopbackThenItIsStillTheClientId() throws Exception {
        URI local = URI.create("http://127.0.0.1:8080/.well-known/oauth-client.json");
        ClientRegistry loopback = new ClientRegistry(portico(local), new JdkHttpRequestSender());

        ClientIdentity identity = loopback.identify("docs", UpstreamAuthConfig.discovered(), server(true, null, true));

        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.METADATA_DOCUMENT);
        assertThat(identity.clientId().getValue()).isEqualTo(local.toString());
        assertThat(endpoint.requests()).isEmpty();
    }

    // --- dynamic client registration ---------------------------------------------------------------------------

    @Test
    void whenServerLacksMetadataDocumentSupportThenPorticoRegistersOnceForAllUpstreamsOfTheIssuer() throws Exception {
        AuthorizationServerMetadata server = server(false, null, true);

        ClientIdentity docs = registry.identify("docs", UpstreamAuthConfig.discovered(), server);
        ClientIdentity tickets = registry.identify("tickets", UpstreamAuthConfig.discovered(), server);

        assertThat(docs.source()).isEqualTo(ClientIdentity.Source.DYNAMIC_REGISTRATION);
        assertThat(docs.clientId().getValue()).isEqualTo("dcr-client-1");
        assertThat(docs.method()).isEqualTo(ClientAuthMethod.NONE);
        assertThat(docs.authentication()).isNull();
        assertThat(tickets).isEqualTo(docs);
        assertThat(endpoint.requests()).hasSize(1);
        assertThat(logs.list)
                .filteredOn(event -> event.getLevel() == Level.INFO)
                .singleElement()
                .satisfies(event -> assertThat(event.getFormattedMessage())
                        .contains(endpoint.issuer(), "dcr-client-1", "DYNAMIC_REGISTRATION"));
    }

    @Test
    void whenARegistrationIsKeptInASharedStoreThenAnotherRegistryUsesItWithoutRegistering() throws Exception {
        endpoint.replyWith(metadata -> endpoint.confidentialClient(metadata, REGISTERED_SECRET, 0));
        AuthorizationServerMetadata server = server(false, List.of("client_secret_post"), true);
        RegistrationStore shared = new InMemoryRegistrationStore();
        ClientRegistry first = new ClientRegistry(portico(DOCUMENT_URL), new JdkHttpRequestSender(), shared);
        ClientRegistry second = new ClientRegistry(portico(DOCUMENT_URL), new JdkHttpRequestSender(), shared);

        ClientIdentity registered = first.identify("docs", UpstreamAuthConfig.discovered(), server);
        ClientIdentity reused = second.identify("tickets", UpstreamAuthConfig.discovered(), server);

        assertThat(endpoint.requests()).hasSize(1);
        assertThat(shared.find(endpoint.issuer(), REDIRECT_URI))
                .map(RegisteredClient::identity)
                .contains(registered);
        assertThat(reused).isEqualTo(registered);
        assertThat(reused.source()).isEqualTo(ClientIdentity.Source.DYNAMIC_REGISTRATION);
        assertThat(reused.secret().orElseThrow().reveal()).isEqualTo(REGISTERED_SECRET);
    }

    @Test
    void whenTheStoredRegistrationIsForAnotherRedirectUriThenPorticoRegistersItsOwn() throws Exception {
        AuthorizationServerMetadata server = server(false, null, true);
        RegistrationStore shared = new InMemoryRegistrationStore();
        shared.put(
                endpoint.issuer(),
                URI.create("https://elsewhere.example/oauth/callback"),
                new RegisteredClient(
                        ClientIdentity.publicClient(
                                new ClientID("someone-elses"), ClientIdentity.Source.DYNAMIC_REGISTRATION),
                        Optional.empty()));

        ClientIdentity identity = new ClientRegistry(portico(DOCUMENT_URL), new JdkHttpRequestSender(), shared)
                .identify("docs", UpstreamAuthConfig.discovered(), server);

        assertThat(identity.clientId().getValue()).isNotEqualTo("someone-elses");
        assertThat(endpoint.requests()).hasSize(1);
    }

    @Test
    void whenIssuersDifferThenEachGetsItsOwnRegistration() throws Exception {
        AuthorizationServerMetadata first = server(false, null, true);
        AuthorizationServerMetadata second = metadata(endpoint.issuer() + "/tenant-b", false, null, true);

        ClientIdentity a = registry.identify("docs", UpstreamAuthConfig.discovered(), first);
        ClientIdentity b = registry.identify("tickets", UpstreamAuthConfig.discovered(), second);

        assertThat(a.clientId()).isNotEqualTo(b.clientId());
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void whenEightThreadsIdentifyAtOnceThenOneRegistrationRequestIsMade() throws Exception {
        AuthorizationServerMetadata server = server(false, null, true);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(8);
        endpoint.holdRepliesUntil(gate);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ClientIdentity>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String upstream = "upstream-" + i;
                results.add(pool.submit(() -> {
                    started.countDown();
                    return registry.identify(upstream, UpstreamAuthConfig.discovered(), server);
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // Give the callers time to reach the registry while the one registration is held at the server.
            Thread.sleep(200);
            gate.countDown();

            List<ClientIdentity> identities = new ArrayList<>();
            for (Future<ClientIdentity> result : results) {
                identities.add(result.get(10, TimeUnit.SECONDS));
            }
            assertThat(identities).hasSize(8).allSatisfy(identity -> assertThat(identity)
                    .isEqualTo(identities.get(0)));
            assertThat(endpoint.requests()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whenPorticoRegistersThenRequestAsksForAPublicClientWithItsRedirectUri() throws Exception {
        registry.identify(
                "docs", UpstreamAuthConfig.discovered(), server(false, List.of("none", "client_secret_basic"), true));

        RegistrationEndpoint.Recorded request = endpoint.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.contentType()).startsWith("application/json");
        JSONObject body = request.json();
        assertThat(JSONObjectUtils.getStringList(body, "redirect_uris")).containsExactly(REDIRECT_URI.toString());
        assertThat(body.get("token_endpoint_auth_method")).isEqualTo("none");
        assertThat(JSONObjectUtils.getStringList(body, "grant_types"))
                .containsExactlyInAnyOrder("authorization_code", "refresh_token");
        assertThat(JSONObjectUtils.getStringList(body, "response_types")).containsExactly("code");
        assertThat(body.get("client_name")).isEqualTo("Portico test");
        assertThat(body.get("client_uri")).isEqualTo("https://portico.example/about");
        assertThat(body).doesNotContainKey("client_secret");
    }

    @Test
    void whenServerOffersOnlyClientSecretPostThenPorticoRegistersAConfidentialPostClient() throws Exception {
        endpoint.replyWith(metadata -> endpoint.confidentialClient(metadata, REGISTERED_SECRET, 0));

        ClientIdentity identity = registry.identify(
                "docs", UpstreamAuthConfig.discovered(), server(false, List.of("client_secret_post"), true));

        assertThat(endpoint.requests().get(0).json().get("token_endpoint_auth_method"))
                .isEqualTo("client_secret_post");
        assertThat(identity.method()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_POST);
        assertThat(identity.authentication()).isInstanceOfSatisfying(ClientSecretPost.class, post -> assertThat(
                        post.getClientSecret().getValue())
                .isEqualTo(REGISTERED_SECRET));
    }

    @Test
    void whenConfidentialClientIsRegisteredThenItsSecretNeverAppearsInToStringOrLogs() throws Exception {
        endpoint.replyWith(metadata -> endpoint.confidentialClient(metadata, REGISTERED_SECRET, 0));

        ClientIdentity identity = registry.identify(
                "docs",
                UpstreamAuthConfig.discovered(),
                server(false, List.of("client_secret_basic", "private_key_jwt"), true));

        assertThat(identity.secret()).map(Secret::reveal).contains(REGISTERED_SECRET);
        assertThat(identity.authentication()).isInstanceOf(ClientSecretBasic.class);
        assertThat(identity.toString()).contains("dcr-client-1").doesNotContain(REGISTERED_SECRET);
        assertThat(logs.list).isNotEmpty().allSatisfy(event -> assertThat(event.getFormattedMessage())
                .doesNotContain(REGISTERED_SECRET));
    }

    @Test
    void whenRegisteredSecretNearsExpiryThenPorticoRegistersAgain() throws Exception {
        Instant expiry = Instant.ofEpochSecond(2_000_000_000L);
        AtomicReference<Instant> now = new AtomicReference<>(expiry.minus(Duration.ofHours(1)));
        ClientRegistry timed = new ClientRegistry(portico(DOCUMENT_URL), new JdkHttpRequestSender(), clock(now));
        endpoint.replyWith(
                metadata -> endpoint.confidentialClient(metadata, REGISTERED_SECRET, expiry.getEpochSecond()));
        AuthorizationServerMetadata server = server(false, List.of("client_secret_basic"), true);

        ClientIdentity first = timed.identify("docs", UpstreamAuthConfig.discovered(), server);
        ClientIdentity again = timed.identify("docs", UpstreamAuthConfig.discovered(), server);
        now.set(expiry.minus(RegisteredClient.EXPIRY_MARGIN).plusSeconds(1));
        ClientIdentity renewed = timed.identify("docs", UpstreamAuthConfig.discovered(), server);

        assertThat(again).isEqualTo(first);
        assertThat(renewed.clientId().getValue()).isEqualTo("dcr-client-2");
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void whenServerRejectsRegistrationThenErrorCarriesItsCodeAndIsNotCached() throws Exception {
        JSONObject error = new JSONObject();
        error.put("error", "invalid_redirect_uri");
        error.put("error_description", "redirect_uri must be registered by an admin");
        error.put("client_secret", REGISTERED_SECRET);
        endpoint.replyWith(new RegistrationEndpoint.Reply(400, "application/json", error.toJSONString()));
        AuthorizationServerMetadata server = server(false, null, true);

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server))
                .isInstanceOfSatisfying(ClientRegistrationException.class, e -> {
                    assertThat(e.upstream()).isEqualTo("docs");
                    assertThat(e.issuer()).isEqualTo(endpoint.issuer());
                })
                .hasMessageContaining(
                        "HTTP 400, error invalid_redirect_uri: redirect_uri must be registered by an admin")
                .hasMessageContaining("'docs'")
                .hasMessageContaining(endpoint.issuer())
                .hasMessageContaining("auth.clientId")
                .message()
                .doesNotContain(REGISTERED_SECRET)
                .doesNotContain("\n");

        endpoint.replyWith(endpoint::publicClient);
        ClientIdentity identity = registry.identify("docs", UpstreamAuthConfig.discovered(), server);
        assertThat(identity.source()).isEqualTo(ClientIdentity.Source.DYNAMIC_REGISTRATION);
        assertThat(endpoint.requests()).hasSize(2);
    }

    @Test
    void whenServerAnswersAnHtmlErrorPageThenErrorNamesTheStatus() {
        endpoint.replyWith(new RegistrationEndpoint.Reply(503, "text/html", "<html>maintenance</html>"));

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("HTTP 503 without an RFC 7591 error object (Content-Type: text/html)");
    }

    @Test
    void whenSuccessBodyIsNotJsonThenErrorSaysSo() {
        endpoint.replyWith(new RegistrationEndpoint.Reply(201, "text/plain", "client_id=abc"));

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("HTTP 201 but the body is not JSON (Content-Type: text/plain)");
    }

    @Test
    void whenSuccessBodyIsMalformedJsonThenErrorQuotesNoneOfIt() {
        endpoint.replyWith(new RegistrationEndpoint.Reply(
                201, "application/json", "{\"client_id\":\"x\",\"client_secret\":\"" + REGISTERED_SECRET + "\""));

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("HTTP 201 but the body is not a valid JSON object")
                .message()
                .doesNotContain(REGISTERED_SECRET);
    }

    @Test
    void whenServerRegistersAnotherRedirectUriThenErrorNamesBoth() {
        endpoint.replyWith(metadata -> {
            JSONArray redirects = new JSONArray();
            redirects.add("https://elsewhere.example/cb");
            metadata.put("redirect_uris", redirects);
            return endpoint.publicClient(metadata);
        });

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server(false, null, true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("https://elsewhere.example/cb")
                .hasMessageContaining(REDIRECT_URI.toString());
    }

    @Test
    void whenRegistrationEndpointIsUnreachableThenErrorSaysSo() throws Exception {
        AuthorizationServerMetadata server = server(false, null, true);
        URI registrationUri = endpoint.registrationUri();
        endpoint.close();

        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining(
                        "could not reach the registration endpoint " + registrationUri + ": ConnectException");
    }

    @Test
    void whenServerSupportsNoMethodPorticoCanUseThenErrorListsTheMethodsAndNothingIsSent() {
        assertThatThrownBy(() -> registry.identify(
                        "docs", UpstreamAuthConfig.discovered(), server(false, List.of("private_key_jwt"), true)))
                .isInstanceOf(ClientRegistrationException.class)
                .hasMessageContaining("token_endpoint_auth_methods_supported [private_key_jwt]");
        assertThat(endpoint.requests()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "'', none",
        "'none', none",
        "'client_secret_basic none', none",
        "'client_secret_basic client_secret_post', client_secret_basic",
        "'client_secret_post', client_secret_post",
        "'private_key_jwt client_secret_post', client_secret_post"
    })
    void registrationMethodFollowsTheServersList(String advertised, String expected) throws Exception {
        List<ClientAuthenticationMethod> methods = new ArrayList<>();
        for (String name : advertised.split(" ")) {
            if (!name.isEmpty()) {
                methods.add(ClientAuthenticationMethod.parse(name));
            }
        }

        assertThat(DynamicClientRegistration.chooseAuthMethod(methods).configName())
                .isEqualTo(expected);
    }

    // --- nothing available -------------------------------------------------------------------------------------

    @Test
    void whenNoClientNoDocumentSupportAndNoRegistrationEndpointThenErrorTellsAdminToSetAuthClientId() {
        assertThatThrownBy(() -> registry.identify("docs", UpstreamAuthConfig.discovered(), server(false, null, false)))
                .isInstanceOfSatisfying(ClientRegistrationException.class, e -> assertThat(e.upstream())
                        .isEqualTo("docs"))
                .hasMessageContaining("Upstream 'docs' needs a sign-in at authorization server " + endpoint.issuer())
                .hasMessageContaining("client_id_metadata_document_supported")
                .hasMessageContaining("registration_endpoint")
                .hasMessageContaining("redirect URI " + REDIRECT_URI)
                .hasMessageContaining("set auth.clientId");
    }

    // --- fixtures ----------------------------------------------------------------------------------------------

    private static PorticoClient portico(URI documentUrl) {
        return new PorticoClient(
                () -> documentUrl,
                () -> REDIRECT_URI,
                "Portico test",
                Optional.of(URI.create("https://portico.example/about")));
    }

    private static UpstreamAuthConfig configured(String clientId, String secret, ClientAuthMethod method) {
        return new UpstreamAuthConfig(
                List.of(),
                Optional.empty(),
                Optional.of(clientId),
                Optional.ofNullable(secret).map(Secret::of),
                method,
                true);
    }

    private AuthorizationServerMetadata server(boolean documents, List<String> authMethods, boolean registration)
            throws Exception {
        return metadata(endpoint.issuer(), documents, authMethods, registration);
    }

    /** Parsed from JSON, as discovery produces it, so the custom CIMD flag arrives the way a real server sends it. */
    private AuthorizationServerMetadata metadata(
            String issuer, boolean documents, List<String> authMethods, boolean registration) throws Exception {
        JSONObject json = new JSONObject();
        json.put("issuer", issuer);
        json.put("authorization_endpoint", issuer + "/authorize");
        json.put("token_endpoint", issuer + "/token");
        json.put("response_types_supported", List.of("code"));
        json.put("code_challenge_methods_supported", List.of("S256"));
        if (registration) {
            json.put("registration_endpoint", endpoint.registrationUri().toString());
        }
        if (documents) {
            json.put(ClientRegistry.CIMD_SUPPORTED, true);
        }
        if (authMethods != null) {
            json.put("token_endpoint_auth_methods_supported", authMethods);
        }
        return AuthorizationServerMetadata.parse(json.toJSONString());
    }

    private static Clock clock(AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
