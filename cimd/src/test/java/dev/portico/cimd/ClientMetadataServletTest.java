package dev.portico.cimd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.OAuthConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The servlet on a real Jetty ee10 server on loopback, mounted at the configured CIMD path as Portico mounts it. */
class ClientMetadataServletTest {

    private static Server jetty;
    private static URI base;
    private static ClientMetadataDocument document;
    private static ClientMetadataServlet servlet;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        jetty.setHandler(context);
        jetty.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        document = ClientMetadataDocument.from(OAuthConfig.defaults(), base);
        servlet = new ClientMetadataServlet(document);
        context.addServlet(new ServletHolder(servlet), OAuthConfig.DEFAULT_CIMD_PATH);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
    }

    @Test
    void whenGetThenDocumentWithCachingHeaders() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(documentUrl()).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("ETag")).hasValue(servlet.etag());
        assertThat(servlet.etag()).startsWith("\"").endsWith("\"");
        assertThat(response.body()).isEqualTo(document.toJson());
    }

    @Test
    void whenFetchedThenClientIdEqualsTheServedUrlAndChecksPass() throws Exception {
        URI served = documentUrl();
        HttpResponse<String> response = send(HttpRequest.newBuilder(served).GET());

        assertThat(document.clientId()).isEqualTo(served);
        assertThat(ClientMetadataDocument.check(served, response.body(), URI.create(base + "/oauth/callback")))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"matching", "W/matching", "\"other\", matching", "*"})
    void whenIfNoneMatchMatchesThen304WithoutBody(String ifNoneMatch) throws Exception {
        String header = ifNoneMatch.replace("matching", servlet.etag());

        HttpResponse<String> response = send(HttpRequest.newBuilder(documentUrl())
                .header("If-None-Match", header)
                .GET());

        assertThat(response.statusCode()).isEqualTo(304);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue(servlet.etag());
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("public, max-age=3600");
    }

    @Test
    void whenIfNoneMatchDiffersThen200() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(documentUrl())
                .header("If-None-Match", "\"stale\"")
                .GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(document.toJson());
    }

    @Test
    void whenHeadThenHeadersWithoutBody() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(documentUrl()).method("HEAD", BodyPublishers.noBody()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.headers().firstValue("ETag")).hasValue(servlet.etag());
        assertThat(response.headers().firstValueAsLong("Content-Length"))
                .hasValue(document.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void whenOtherMethodThen405WithAllow(String method) throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(documentUrl()).method(method, BodyPublishers.ofString("{}")));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    private static URI documentUrl() {
        return URI.create(base + OAuthConfig.DEFAULT_CIMD_PATH);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), BodyHandlers.ofString());
    }
}
