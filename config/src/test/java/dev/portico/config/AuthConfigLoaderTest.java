package dev.portico.config;

import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code oauth} and {@code security} sections and {@code upstreams[].auth}, when they are valid. */
class AuthConfigLoaderTest {

    private static final String EVERY_KEY =
            """
            server:
              publicUrl: https://portico.example.com
            oauth:
              callbackPath: /auth/done
              cimdPath: /client.json
              clientName: Portico at Example
              clientUri: https://portico.example.com/about
              stateTtl: 5m
              metadataCacheTtl: 1h
            security:
              allowInsecureLoopback: false
              allowedPrivateNetworks: [127.0.0.0/8, "::1/128", 10.1.0.0/16]
            upstreams:
              - name: github
                transport: streamable-http
                url: https://api.example.com/mcp
                auth:
                  scopes: [repo, "read:org"]
                  authorizationServer: https://idp.example.com/tenant
                  clientId: abc
                  clientSecret: ${SECRET}
                  tokenEndpointAuthMethod: client_secret_post
                  sendResource: false
              - name: docs
                transport: sse
                url: https://docs.example.com/sse
                auth: {}
              - name: plain
                transport: streamable-http
                url: https://plain.example.com/mcp
            """;

    private static final Map<String, String> ENVIRONMENT = Map.of("SECRET", "s3cr3t-value");

    @Test
    void whenEveryOAuthKeyIsSetThenTheOAuthConfigHasTheConfiguredValues() {
        OAuthConfig oauth = parse(EVERY_KEY, ENVIRONMENT).oauth();

        assertThat(oauth)
                .isEqualTo(new OAuthConfig(
                        "/auth/done",
                        "/client.json",
                        Optional.empty(),
                        "Portico at Example",
                        Optional.of(URI.create("https://portico.example.com/about")),
                        Duration.ofMinutes(5),
                        Duration.ofHours(1)));
    }

    @Test
    void whenEverySecurityKeyIsSetThenTheSecurityConfigHasTheConfiguredValues() {
        SecurityConfig security = parse(EVERY_KEY, ENVIRONMENT).security();

        assertThat(security).isEqualTo(new SecurityConfig(false, List.of("127.0.0.0/8", "::1/128", "10.1.0.0/16")));
        assertThat(security.allowedPrivateNetworkBlocks())
                .containsExactly(
                        CidrBlock.parse("127.0.0.0/8"), CidrBlock.parse("::1/128"), CidrBlock.parse("10.1.0.0/16"));
    }

    @Test
    void whenEveryAuthKeyIsSetThenTheUpstreamAuthHasTheConfiguredValues() {
        UpstreamConfig github = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(0);

        assertThat(github.auth())
                .contains(new UpstreamAuthConfig(
                        List.of("repo", "read:org"),
                        Optional.of(URI.create("https://idp.example.com/tenant")),
                        Optional.of("abc"),
                        Optional.of(Secret.of("s3cr3t-value")),
                        ClientAuthMethod.CLIENT_SECRET_POST,
                        false));
        assertThat(github.auth().orElseThrow().clientSecret().orElseThrow().reveal())
                .isEqualTo("s3cr3t-value");
    }

    @Test
    void whenTheConfigIsPrintedThenTheClientSecretIsRedacted() {
        PorticoConfig config = parse(EVERY_KEY, ENVIRONMENT);

        assertThat(config.toString()).doesNotContain("s3cr3t-value").contains(Secret.REDACTED);
    }

    @Test
    void whenAuthIsAnEmptyMappingThenEverythingIsDiscovered() {
        UpstreamConfig docs = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(1);

        assertThat(docs.auth()).contains(UpstreamAuthConfig.discovered());
    }

    @Test
    void whenAuthIsAbsentThenTheUpstreamHasNoneAndDefaultsToDiscovery() {
        UpstreamConfig plain = parse(EVERY_KEY, ENVIRONMENT).upstreams().get(2);

        assertThat(plain.auth()).isEmpty();
        assertThat(plain.authOrDefaults()).isEqualTo(UpstreamAuthConfig.discovered());
    }

    @Test
    void whenOAuthAndSecurityAreAbsentThenTheirDefaultsApply() {
        PorticoConfig config = parse("server: {port: 1}\n");

        assertThat(config.oauth()).isEqualTo(OAuthConfig.defaults());
        assertThat(config.security()).isEqualTo(SecurityConfig.defaults());
    }

    @Test
    void whenOAuthAndSecurityAreEmptyThenTheirDefaultsApply() {
        PorticoConfig config = parse("oauth:\nsecurity:\n");

        assertThat(config.oauth()).isEqualTo(OAuthConfig.defaults());
        assertThat(config.security()).isEqualTo(SecurityConfig.defaults());
    }

    @Test
    void whenTheFileIsEmptyThenOAuthAndSecurityHaveTheirDefaults() {
        PorticoConfig config = parse("");

        assertThat(config.oauth()).isEqualTo(OAuthConfig.defaults());
        assertThat(config.security()).isEqualTo(SecurityConfig.defaults());
    }

    @Test
    void whenOnlySomeOAuthKeysAreSetThenTheOthersKeepTheirDefaults() {
        OAuthConfig oauth = parse("oauth:\n  clientName: Acme\n").oauth();

        assertThat(oauth)
                .isEqualTo(new OAuthConfig(
                        OAuthConfig.DEFAULT_CALLBACK_PATH,
                        OAuthConfig.DEFAULT_CIMD_PATH,
                        Optional.empty(),
                        "Acme",
                        Optional.empty(),
                        OAuthConfig.DEFAULT_STATE_TTL,
                        OAuthConfig.DEFAULT_METADATA_CACHE_TTL));
    }

    @Test
    void whenClientMetadataUrlIsSetThenItIsKept() {
        OAuthConfig oauth = parse("oauth:\n  clientMetadataUrl: https://static.example.com/portico/client.json\n")
                .oauth();

        assertThat(oauth.clientMetadataUrl()).contains(URI.create("https://static.example.com/portico/client.json"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:9000/client.json",
                "http://localhost:9000/client.json",
                "http://[::1]:9000/client.json",
                "https://static.example.com/client.json?v=2"
            })
    void whenClientMetadataUrlIsLoopbackHttpOrHasAQueryThenItIsAccepted(String url) {
        OAuthConfig oauth =
                parse("oauth:\n  clientMetadataUrl: \"" + url + "\"\n").oauth();

        assertThat(oauth.clientMetadataUrl()).contains(URI.create(url));
    }

    @Test
    void whenStateTtlIsExactlyOneHourThenItIsAccepted() {
        assertThat(parse("oauth: {stateTtl: 60m}\n").oauth().stateTtl()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void whenAllowInsecureLoopbackIsQuotedThenItIsStillABoolean() {
        assertThat(parse("security: {allowInsecureLoopback: \"false\"}\n")
                        .security()
                        .allowInsecureLoopback())
                .isFalse();
    }

    @Test
    void crossOriginResourceMetadataIsRefusedUnlessTheConfigAllowsIt() {
        assertThat(parse("security: {allowInsecureLoopback: true}\n").security().allowCrossOriginResourceMetadata())
                .isFalse();
        assertThat(parse("security: {allowCrossOriginResourceMetadata: true}\n")
                        .security()
                        .allowCrossOriginResourceMetadata())
                .isTrue();
    }

    @Test
    void whenAllowedPrivateNetworksIsEmptyThenNoneIsAllowed() {
        assertThat(parse("security: {allowedPrivateNetworks: []}\n").security().allowedPrivateNetworks())
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "https://a.b"})
    void whenPublicUrlIsHttpsOrLoopbackHttpThenPorticoMayServeItsOwnDocument(String url) {
        PorticoConfig config = parse("server: {publicUrl: \"" + url + "\"}\n");

        assertThat(config.server().publicUrl()).contains(URI.create(url));
    }

    @Test
    void whenPublicUrlIsHttpButTheDocumentIsHostedElsewhereThenTheConfigIsValid() {
        PorticoConfig config = parse(
                """
                server: {publicUrl: "http://portico.internal:8080"}
                oauth: {clientMetadataUrl: "https://static.example.com/portico/client.json"}
                """);

        assertThat(config.oauth().clientMetadataUrl()).isPresent();
    }

    @Test
    void whenASecretIsGivenWithoutAMethodThenClientSecretBasicIsUsed() {
        UpstreamAuthConfig auth = onlyAuth("auth: {clientId: abc, clientSecret: xyz}");

        assertThat(auth.clientAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
        assertThat(auth.sendResource()).isTrue();
    }

    @Test
    void whenNoSecretIsGivenThenTheMethodIsNone() {
        UpstreamAuthConfig auth = onlyAuth("auth: {clientId: abc}");

        assertThat(auth.clientAuthMethod()).isEqualTo(ClientAuthMethod.NONE);
        assertThat(auth.clientSecret()).isEmpty();
    }

    @Test
    void whenNoneIsGivenWithAClientIdAndNoSecretThenItIsAccepted() {
        UpstreamAuthConfig auth = onlyAuth("auth: {clientId: abc, tokenEndpointAuthMethod: none}");

        assertThat(auth.clientAuthMethod()).isEqualTo(ClientAuthMethod.NONE);
    }

    @Test
    void whenClientSecretBasicIsGivenWithASecretThenItIsKept() {
        UpstreamAuthConfig auth =
                onlyAuth("auth: {clientId: abc, clientSecret: xyz, tokenEndpointAuthMethod: client_secret_basic}");

        assertThat(auth.clientAuthMethod()).isEqualTo(ClientAuthMethod.CLIENT_SECRET_BASIC);
    }

    @Test
    void whenScopesAreEmptyThenDiscoveryDecides() {
        assertThat(onlyAuth("auth: {scopes: []}").scopes()).isEmpty();
    }

    @Test
    void whenOnlyTheAuthorizationServerIsPinnedThenTheRestIsDiscovered() {
        UpstreamAuthConfig auth = onlyAuth("auth: {authorizationServer: \"http://127.0.0.1:9000/default\"}");

        assertThat(auth)
                .isEqualTo(new UpstreamAuthConfig(
                        List.of(),
                        Optional.of(URI.create("http://127.0.0.1:9000/default")),
                        Optional.empty(),
                        Optional.empty(),
                        ClientAuthMethod.NONE,
                        true));
    }

    @Test
    void whenAuthIsNullThenTheUpstreamHasNoAuthSection() {
        assertThat(parse(httpUpstream("auth:")).upstreams().get(0).auth()).isEmpty();
    }

    private static UpstreamAuthConfig onlyAuth(String authLine) {
        return parse(httpUpstream(authLine)).upstreams().get(0).auth().orElseThrow();
    }

    private static String httpUpstream(String authLine) {
        return "upstreams:\n  - name: a\n    transport: streamable-http\n    url: https://a.example.com/mcp\n    "
                + authLine + "\n";
    }
}
