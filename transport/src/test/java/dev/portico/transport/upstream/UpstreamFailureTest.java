package dev.portico.transport.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.ReconnectPolicy;
import dev.portico.config.UpstreamConfig;
import dev.portico.config.UpstreamTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** What a user is told when an upstream cannot be used, for failures produced by real sockets. */
class UpstreamFailureTest {

    private final UpstreamConnector connector = new UpstreamConnector(new McpSchema.Implementation("test", "1"));

    private static UpstreamConfig upstream(UpstreamTransport transport, URI url) {
        return new UpstreamConfig(
                "remote",
                transport,
                Optional.of(url),
                "remote",
                Map.of(),
                Duration.ofSeconds(5),
                Optional.empty(),
                List.of(),
                Map.of(),
                ReconnectPolicy.DEFAULT,
                Duration.ZERO);
    }

    @Test
    void whenNothingListensThenTheFailureSaysUnreachableAndNamesTheUpstream() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        UpstreamConfig config =
                upstream(UpstreamTransport.STREAMABLE_HTTP, URI.create("http://127.0.0.1:" + port + "/mcp"));

        Throwable error = connector
                .connect(config, UpstreamClientSpec.builder().build())
                .map(c -> (Throwable) null)
                .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                .block();

        UpstreamFailure failure = UpstreamFailure.of(config, error);
        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.UNREACHABLE);
        assertThat(failure.message()).startsWith("upstream 'remote' is unreachable at http://127.0.0.1:" + port);
        assertThat(failure.connectionLost()).isTrue();
    }

    @Test
    void whenAnSseUpstreamAnswers401ThenTheFailureCarriesTheChallenge() throws Exception {
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        server.addConnector(http);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(
                    org.eclipse.jetty.server.Request request,
                    org.eclipse.jetty.server.Response response,
                    Callback callback) {
                response.setStatus(401);
                response.getHeaders()
                        .put(
                                "WWW-Authenticate",
                                "Bearer resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource\"");
                callback.succeeded();
                return true;
            }
        });
        server.start();
        try {
            UpstreamConfig config =
                    upstream(UpstreamTransport.SSE, URI.create("http://127.0.0.1:" + http.getLocalPort() + "/sse"));
            Throwable error = connector
                    .connect(config, UpstreamClientSpec.builder().build())
                    .map(c -> (Throwable) null)
                    .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                    .block();

            UpstreamFailure failure = UpstreamFailure.of(config, error);
            assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.UNAUTHORIZED);
            assertThat(failure.status()).isEqualTo(401);
            assertThat(failure.wwwAuthenticate())
                    .hasValueSatisfying(h -> assertThat(h).contains("resource_metadata"));
        } finally {
            server.stop();
        }
    }

    @Test
    void whenAStreamableUpstreamAnswers403ThenTheFailureCarriesStatusAndChallengeAndKeepsTheConnection()
            throws Exception {
        String challenge = "Bearer error=\"insufficient_scope\", scope=\"files.read files.admin\","
                + " resource_metadata=\"http://127.0.0.1/.well-known/oauth-protected-resource\"";
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        server.addConnector(http);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(
                    org.eclipse.jetty.server.Request request,
                    org.eclipse.jetty.server.Response response,
                    Callback callback) {
                response.setStatus(403);
                response.getHeaders().put("WWW-Authenticate", challenge);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        try {
            UpstreamConfig config = upstream(
                    UpstreamTransport.STREAMABLE_HTTP, URI.create("http://127.0.0.1:" + http.getLocalPort() + "/mcp"));
            Throwable error = connector
                    .connect(config, UpstreamClientSpec.builder().build())
                    .map(c -> (Throwable) null)
                    .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                    .block();

            UpstreamFailure failure = UpstreamFailure.of(config, error);
            assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.UNAUTHORIZED);
            assertThat(failure.status()).isEqualTo(403);
            assertThat(failure.wwwAuthenticate()).hasValue(challenge);
            assertThat(failure.refusesThisRequestOnly()).isTrue();
            assertThat(failure.connectionLost()).isFalse();
        } finally {
            server.stop();
        }
    }

    @Test
    void whenAnUpstreamAnswers500WithAPageThenTheFailureGivesTheStatusWithoutThePage() throws Exception {
        UpstreamFailure failure =
                failureAgainst(500, "text/html", "<html><body><h1>Boom</h1>\n<p>stack…</p></body></html>");

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.OTHER);
        assertThat(failure.message()).isEqualTo("upstream 'remote' answered HTTP 500");
        assertThat(failure.connectionLost()).isTrue();
    }

    @Test
    void whenAnUpstreamAnswersNonJsonThenTheFailureSaysSoInsteadOfUnreachable() throws Exception {
        UpstreamFailure failure = failureAgainst(200, "application/json", "this is <not> JSON");

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.OTHER);
        assertThat(failure.message()).isEqualTo("upstream 'remote' sent a response that is not valid JSON-RPC");
    }

    /** Connects over streamable HTTP to a server that answers every request with this status and body. */
    private UpstreamFailure failureAgainst(int status, String contentType, String body) throws Exception {
        Server server = new Server();
        ServerConnector http = new ServerConnector(server);
        http.setHost("127.0.0.1");
        server.addConnector(http);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(
                    org.eclipse.jetty.server.Request request,
                    org.eclipse.jetty.server.Response response,
                    Callback callback) {
                response.setStatus(status);
                response.getHeaders().put("Content-Type", contentType);
                response.write(
                        true,
                        java.nio.ByteBuffer.wrap(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        callback);
                return true;
            }
        });
        server.start();
        try {
            UpstreamConfig config = upstream(
                    UpstreamTransport.STREAMABLE_HTTP, URI.create("http://127.0.0.1:" + http.getLocalPort() + "/mcp"));
            Throwable error = connector
                    .connect(config, UpstreamClientSpec.builder().build())
                    .map(c -> (Throwable) null)
                    .onErrorResume(e -> reactor.core.publisher.Mono.just(e))
                    .block();
            return UpstreamFailure.of(config, error);
        } finally {
            server.stop();
        }
    }
}
