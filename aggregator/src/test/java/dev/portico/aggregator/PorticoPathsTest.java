package dev.portico.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.aggregator.auth.SignInWiring;
import dev.portico.config.ConfigLoader;
import dev.portico.config.OAuthConfig;
import dev.portico.oauth.inbound.InboundAuthentication;
import dev.portico.transport.downstream.HttpMcpServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The config refuses a callback or document path that Portico answers itself ({@link OAuthConfig#PORTICO_PATHS});
 * that list must name what Portico really mounts, which lives in other modules.
 */
class PorticoPathsTest {

    @Test
    void theReservedPathsNameEveryEndpointPorticoMounts() {
        assertThat(OAuthConfig.PORTICO_PATHS).containsAll(HttpMcpServer.mcpPaths());
        assertThat(OAuthConfig.PORTICO_PATH_PREFIXES)
                .contains(SignInWiring.START_PATH)
                .anySatisfy(prefix ->
                        assertThat(InboundAuthentication.METADATA_PATH).startsWith(prefix));
    }

    @Test
    void everyReservedPathIsAnsweredByPortico() throws Exception {
        try (Portico portico = Portico.startHttp(
                new ConfigLoader(name -> null).parse("server:\n  port: 0\nupstreams: []\n", "paths.yaml"))) {
            HttpClient http = HttpClient.newHttpClient();
            for (String path : OAuthConfig.PORTICO_PATHS) {
                // The message endpoint takes POSTs only (a GET there is the SDK's 404); /sse streams for ever, so
                // each answer is read up to its headers.
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portico.baseUri() + path))
                        .timeout(Duration.ofSeconds(10));
                if (path.equals(HttpMcpServer.MESSAGE_PATH)) {
                    request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
                }
                HttpResponse<InputStream> response =
                        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                response.body().close();
                assertThat(response.statusCode()).as(path).isNotEqualTo(404);
            }
        }
    }
}
