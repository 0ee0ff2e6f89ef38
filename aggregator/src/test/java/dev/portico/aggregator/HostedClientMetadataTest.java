package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.portico.config.ConfigException;
import dev.portico.config.ConfigLoader;
import dev.portico.config.PorticoConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code oauth.clientMetadataUrl}: a document hosted elsewhere is fetched at start and must agree with Portico. */
class HostedClientMetadataTest {

    /** Only the redirect URI is built from it; Portico itself listens on a free port. */
    private static final String PUBLIC_URL = "http://127.0.0.1:18080";

    private HttpServer documentHost;
    private volatile String document;
    private final AtomicInteger fetches = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        documentHost = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        documentHost.createContext("/portico/client.json", exchange -> {
            fetches.incrementAndGet();
            byte[] body = document.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        documentHost.start();
    }

    @AfterEach
    void stop() {
        documentHost.stop(0);
    }

    @Test
    void whenTheHostedDocumentAgreesThenPorticoStarts() throws Exception {
        URI url = documentUrl();
        document = documentJson(url.toString(), PUBLIC_URL + "/oauth/callback");

        try (Portico portico = Portico.startHttp(config(url))) {
            assertThat(portico.baseUri()).isNotNull();
        }
    }

    @Test
    void whenTheHostedDocumentNamesAnotherClientIdOrCallbackThenItIsAConfigError() {
        URI url = documentUrl();
        document = documentJson("https://elsewhere.example/client.json", "https://elsewhere.example/callback");

        assertThatThrownBy(() -> Portico.startHttp(config(url)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .isNotEmpty()
                        .allSatisfy(problem -> assertThat(problem.path()).isEqualTo("oauth.clientMetadataUrl"))
                        .anySatisfy(problem -> assertThat(problem.message()).contains("client_id"))
                        .anySatisfy(problem -> assertThat(problem.message()).contains("redirect_uris")));
    }

    @Test
    void whenTheDocumentHostIsNotAnAllowedAddressThenPorticoDoesNotStartAndNothingIsFetched() {
        URI url = documentUrl();
        document = documentJson(url.toString(), PUBLIC_URL + "/oauth/callback");

        assertThatThrownBy(() -> Portico.startHttp(config(url, "[]")))
                .hasMessageContaining("cannot fetch the client metadata document at " + url)
                .hasMessageContaining("which the allowed private networks do not include");
        assertThat(fetches).hasValue(0);
    }

    private URI documentUrl() {
        return URI.create("http://127.0.0.1:" + documentHost.getAddress().getPort() + "/portico/client.json");
    }

    private static PorticoConfig config(URI documentUrl) {
        return config(documentUrl, "[127.0.0.0/8]");
    }

    private static PorticoConfig config(URI documentUrl, String allowedPrivateNetworks) {
        String yaml =
                """
                server:
                  port: 0
                  publicUrl: %s
                oauth:
                  clientMetadataUrl: %s
                security:
                  allowedPrivateNetworks: %s
                """
                        .formatted(PUBLIC_URL, documentUrl, allowedPrivateNetworks);
        return new ConfigLoader(name -> null).parse(yaml, "hosted-cimd.yaml");
    }

    private static String documentJson(String clientId, String redirectUri) {
        return """
                {"client_id": "%s", "client_name": "Portico", "redirect_uris": ["%s"],
                 "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
                 "token_endpoint_auth_method": "none"}
                """
                .formatted(clientId, redirectUri);
    }
}
