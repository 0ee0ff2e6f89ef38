package dev.portico.transport.upstream;

import dev.portico.config.UpstreamConfig;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * Opens a legacy SSE upstream's stream once, reads only the status line and headers, and closes it, so that a 401
 * or 403 becomes an {@link UpstreamAuthorizationException} instead of the SDK SSE client's silent timeout. Costs one
 * extra short-lived stream per connection attempt to an SSE upstream; streamable HTTP needs no probe.
 */
final class SseAuthorizationProbe {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private SseAuthorizationProbe() {}

    static Mono<Void> probe(UpstreamConfig config, UpstreamClientSpec spec) {
        return Mono.defer(() -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(config.url().orElseThrow())
                    .timeout(config.timeout())
                    .header("Accept", "text/event-stream")
                    .GET();
            config.headers().forEach(request::setHeader);
            spec.authorization().get().ifPresent(value -> request.setHeader("Authorization", value));
            return Mono.fromFuture(() -> HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()))
                    .flatMap(response -> {
                        closeQuietly(response.body());
                        int status = response.statusCode();
                        if (status == 401 || status == 403) {
                            return Mono.error(new UpstreamAuthorizationException(
                                    config.name(), status, response.headers().allValues("WWW-Authenticate")));
                        }
                        return Mono.empty();
                    });
        });
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (java.io.IOException ignored) {
            // The probe only needed the headers; a failure to close an abandoned stream changes nothing.
        }
    }
}
