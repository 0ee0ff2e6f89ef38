package dev.portico.oauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.portico.config.SecurityConfig;
import dev.portico.oauth.http.LoopbackServer.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundHttpTest {

    private static final OutboundHttpSettings LOOPBACK_ALLOWED =
            OutboundHttpSettings.from(new SecurityConfig(true, List.of("127.0.0.0/8")));

    private LoopbackServer server;
    private OutboundHttp http;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.close();
        }
        server.close();
    }

    @Test
    void whenLoopbackIsAllowedThenTheDocumentIsFetched() throws Exception {
        server.reply("/doc", Reply.json("{\"a\":1}"));
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        OutboundResponse response = http.get(server.url("/doc"), Map.of("X-Trace", "t1"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"a\":1}");
        assertThat(response.header("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        LoopbackServer.Recorded request = server.requests("/doc").get(0);
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(request.header("X-Trace")).isEqualTo("t1");
    }

    @Test
    void whenTheHostIsLocalhostThenItResolvesToAnAllowedLoopbackAddress() throws Exception {
        server.reply("/doc", Reply.json("{}"));
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        OutboundResponse response = http.get(URI.create("http://localhost:" + server.port() + "/doc"), Map.of());

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void whenLoopbackIsNotAnAllowedNetworkThenTheRequestIsRefusedBeforeConnecting() {
        server.reply("/doc", Reply.json("{}"));
        http = new OutboundHttp(OutboundHttpSettings.from(SecurityConfig.defaults()));

        assertThatThrownBy(() -> http.get(server.url("/doc"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> {
                    assertThat(e.reason()).isEqualTo(OutboundHttpException.Reason.FORBIDDEN_ADDRESS);
                    assertThat(e.uri()).isEqualTo(server.url("/doc"));
                })
                .hasMessageContaining("127.0.0.1 is a loopback address");
        assertThat(server.paths()).isEmpty();
    }

    @Test
    void whenInsecureLoopbackIsOffThenPlainHttpToLoopbackIsRefused() {
        http = new OutboundHttp(new OutboundHttpSettings(
                false, List.of("127.0.0.0/8"), 1024, Duration.ofSeconds(2), Duration.ofSeconds(5)));

        assertThatThrownBy(() -> http.get(server.url("/doc"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.INSECURE_SCHEME))
                .hasMessageContaining("allowInsecureLoopback");
        assertThat(server.paths()).isEmpty();
    }

    @Test
    void whenPlainHttpGoesToAPublicAddressThenItIsRefusedWithoutConnecting() {
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        // Refused on the scheme alone, so nothing leaves this machine.
        assertThatThrownBy(() -> http.get(URI.create("http://93.184.216.34/"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.INSECURE_SCHEME));
    }

    @Test
    void whenTheTargetIsTheCloudMetadataEndpointThenItIsRefused() {
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> http.get(URI.create("https://169.254.169.254/latest/meta-data/"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.FORBIDDEN_ADDRESS))
                .hasMessageContaining("the cloud metadata endpoint");
        assertThatThrownBy(() -> http.get(URI.create("https://[fd00:ec2::254]/latest/meta-data/"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.FORBIDDEN_ADDRESS))
                .hasMessageContaining("the cloud metadata endpoint");
    }

    @Test
    void whenTheUrlIsNotHttpOrCarriesCredentialsThenItIsRefusedWithoutNamingThem() {
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> http.get(URI.create("ftp://example.com/x"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.INVALID_URL));
        assertThatThrownBy(() -> http.get(URI.create("https://user:hunter2@example.com/x"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.INVALID_URL))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void whenTheAnnouncedBodyExceedsTheLimitThenTheExchangeIsAborted() {
        server.reply("/big", Reply.json("x".repeat(2048)));
        http = new OutboundHttp(LOOPBACK_ALLOWED.withMaxResponseBytes(1024));

        assertThatThrownBy(() -> http.get(server.url("/big"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.TOO_LARGE))
                .hasMessageContaining("1024 bytes");
    }

    @Test
    void whenAStreamedBodyWithoutLengthExceedsTheLimitThenTheExchangeIsAborted() {
        server.behave("/stream", (request, response, callback) -> {
            response.setStatus(200);
            try (OutputStream out = Content.Sink.asOutputStream(response)) {
                for (int i = 0; i < 64; i++) {
                    out.write("y".repeat(512).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                callback.succeeded();
            } catch (Exception e) {
                // The client hung up once the limit was passed.
                callback.failed(e);
            }
        });
        http = new OutboundHttp(LOOPBACK_ALLOWED.withMaxResponseBytes(4096));

        assertThatThrownBy(() -> http.get(server.url("/stream"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.TOO_LARGE));
    }

    @Test
    void whenTheServerIsTooSlowThenTheTotalTimeoutEndsTheExchange() {
        server.behave("/slow", (request, response, callback) -> {
            server.awaitClose();
            LoopbackServer.send(response, callback, Reply.json("{}"));
        });
        http = new OutboundHttp(LOOPBACK_ALLOWED.withTimeouts(Duration.ofMillis(200), Duration.ofMillis(300)));

        assertThatThrownBy(() -> http.get(server.url("/slow"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.TIMEOUT));
    }

    @Test
    void whenNothingListensThenTheFailureIsAConnectFailure() throws Exception {
        URI closed = server.url("/doc");
        server.close();
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> http.get(closed, Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.CONNECT));
    }

    @Test
    void whenTheServerRedirectsThenTheRedirectIsReturnedAndNotFollowed() throws Exception {
        server.reply(
                "/moved",
                new Reply(302, Map.of("Location", server.url("/target").toString()), ""));
        server.reply("/target", Reply.json("{}"));
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        OutboundResponse response = http.get(server.url("/moved"), Map.of());

        assertThat(response.status()).isEqualTo(302);
        assertThat(response.header("Location")).contains(server.url("/target").toString());
        assertThat(server.count("/target")).isZero();
    }

    @Test
    void whenANimbusTokenRequestIsSentThenItReachesTheServerWithBodyAndAuthorization() throws Exception {
        server.reply("/token", Reply.json("{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"expires_in\":60}"));
        http = new OutboundHttp(LOOPBACK_ALLOWED);
        TokenRequest tokenRequest = new TokenRequest(
                server.url("/token"),
                new ClientSecretBasic(new ClientID("portico"), new com.nimbusds.oauth2.sdk.auth.Secret("s3cret")),
                new AuthorizationCodeGrant(
                        new AuthorizationCode("code-1"),
                        URI.create("http://127.0.0.1/oauth/callback"),
                        new CodeVerifier("a".repeat(43))));

        HTTPResponse httpResponse = tokenRequest.toHTTPRequest().send(http.nimbusSender());

        TokenResponse tokenResponse = TokenResponse.parse(httpResponse);
        assertThat(tokenResponse.indicatesSuccess()).isTrue();
        assertThat(tokenResponse
                        .toSuccessResponse()
                        .getTokens()
                        .getAccessToken()
                        .getValue())
                .isEqualTo("at-1");
        LoopbackServer.Recorded received = server.requests("/token").get(0);
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.header("Authorization")).startsWith("Basic ");
        assertThat(received.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(received.headers().keySet().stream().filter("Content-Type"::equalsIgnoreCase))
                .hasSize(1);
        assertThat(received.body())
                .contains("grant_type=authorization_code")
                .contains("code=code-1")
                .contains("code_verifier=" + "a".repeat(43));
    }

    @Test
    void whenTheTokenEndpointAnswers401WithoutAChallengeThenNimbusStillGetsTheResponse() throws Exception {
        server.reply(
                "/token", new Reply(401, Map.of("Content-Type", "application/json"), "{\"error\":\"invalid_client\"}"));
        http = new OutboundHttp(LOOPBACK_ALLOWED);
        TokenRequest tokenRequest = new TokenRequest(
                server.url("/token"),
                new ClientSecretBasic(new ClientID("portico"), new com.nimbusds.oauth2.sdk.auth.Secret("wrong")),
                new AuthorizationCodeGrant(
                        new AuthorizationCode("code-1"), URI.create("http://127.0.0.1/oauth/callback")));

        TokenResponse tokenResponse =
                TokenResponse.parse(tokenRequest.toHTTPRequest().send(http.nimbusSender()));

        assertThat(tokenResponse.indicatesSuccess()).isFalse();
        assertThat(((TokenErrorResponse) tokenResponse).getErrorObject().getCode())
                .isEqualTo("invalid_client");
    }

    @Test
    void whenARequestFailsThenNoHeaderValueAppearsInTheMessage() throws Exception {
        URI closed = server.url("/doc");
        server.close();
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThatThrownBy(() -> http.get(closed, Map.of("Authorization", "Bearer very-secret-token")))
                .isInstanceOf(OutboundHttpException.class)
                .hasMessageNotContaining("very-secret-token");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "https://10.1.2.3/doc",
                "https://172.16.0.1/doc",
                "https://192.168.0.1/doc",
                "https://127.0.0.1/doc",
                "https://0.0.0.0/doc",
                "https://169.254.10.1/doc",
                "https://169.254.169.254/latest/meta-data/",
                "https://224.0.0.1/doc",
                "https://[::1]/doc",
                "https://[fe80::1]/doc",
                "https://[fc00::1]/doc",
                "https://[fd00:ec2::254]/latest/meta-data/",
                "https://[ff02::1]/doc",
                "https://[::ffff:10.0.0.1]/doc",
                "https://[::ffff:169.254.169.254]/doc",
                "https://[64:ff9b::a9fe:a9fe]/doc",
                "https://[2002:a00:1::]/doc"
            })
    void whenTheUrlNamesAForbiddenAddressThenItIsRefusedBeforeConnecting(String url) {
        http = new OutboundHttp(OutboundHttpSettings.defaults());

        assertThatThrownBy(() -> http.get(URI.create(url), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.FORBIDDEN_ADDRESS))
                .hasMessageContaining("which the allowed private networks do not include");
    }

    @Test
    void whenANameResolvesElsewhereLaterThenEveryConnectionGoesOnlyToAnAddressCheckedForIt() throws Exception {
        // The first answer is allowed, the next one (a DNS rebinding) is not; the server closes every connection,
        // so that the second request needs a new one and with it a new look-up.
        server.reply("/doc", new Reply(200, Map.of("Connection", "close"), "{}"));
        List<String> lookups = new CopyOnWriteArrayList<>();
        List<String> answers = List.of("127.0.0.1", "127.0.0.2");
        SocketAddressResolver rebinding = (host, port, promise) -> {
            lookups.add(host);
            String answer = answers.get(Math.min(lookups.size(), answers.size()) - 1);
            promise.succeeded(
                    List.of(new InetSocketAddress(IpNetwork.parseLiteral(answer).orElseThrow(), port)));
        };
        http = new OutboundHttp(
                OutboundHttpSettings.defaults().withAllowedPrivateNetworks(List.of("127.0.0.1/32")),
                Optional.of(rebinding));
        URI url = URI.create("http://rebound.localhost:" + server.port() + "/doc");

        assertThat(http.get(url, Map.of()).status()).isEqualTo(200);
        assertThat(lookups).as("one look-up, checked, for the first connection").hasSize(1);

        assertThatThrownBy(() -> http.get(url, Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.FORBIDDEN_ADDRESS))
                .hasMessageContaining("127.0.0.2 is a loopback address");
        assertThat(lookups).hasSize(2);
        assertThat(server.count("/doc")).isEqualTo(1);
    }

    @Test
    void whenAServerAcceptsAndNeverAnswersThenTheExchangeEndsWithATimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept()); // kept open, never read from or answered
                    }
                } catch (IOException closed) {
                    held.forEach(socket -> {
                        try {
                            socket.close();
                        } catch (IOException ignored) {
                            // closing anyway
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            http = new OutboundHttp(LOOPBACK_ALLOWED.withTimeouts(Duration.ofMillis(500), Duration.ofMillis(800)));

            assertThatThrownBy(
                            () -> http.get(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/doc"), Map.of()))
                    .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                            .isEqualTo(OutboundHttpException.Reason.TIMEOUT))
                    .hasMessageContaining("no complete response within 800 ms");
        }
    }

    @Test
    void whenTheBodyPassesTheDefaultLimitOfOneMebibyteThenItIsRefusedAndUpToItAccepted() throws Exception {
        assertThat(OutboundHttpSettings.defaults().maxResponseBytes()).isEqualTo(1024 * 1024);
        assertThat(LOOPBACK_ALLOWED.maxResponseBytes()).isEqualTo(1024 * 1024);
        server.reply("/exactly", Reply.json("x".repeat(1024 * 1024)));
        server.reply("/over", Reply.json("x".repeat(1024 * 1024 + 1)));
        http = new OutboundHttp(LOOPBACK_ALLOWED);

        assertThat(http.get(server.url("/exactly"), Map.of()).body()).hasSize(1024 * 1024);
        assertThatThrownBy(() -> http.get(server.url("/over"), Map.of()))
                .isInstanceOfSatisfying(OutboundHttpException.class, e -> assertThat(e.reason())
                        .isEqualTo(OutboundHttpException.Reason.TOO_LARGE));
    }
}
