package dev.portico.transport.upstream;

import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * One {@code java.net.http} client for all upstream connections with the same connect timeout, instead of one per
 * connection. The SDK's HTTP transports build a client per connection (that is, per downstream session and upstream),
 * each with a selector thread and a worker pool of its own; with hundreds of sessions those threads cost memory and
 * CPU on every call (docs/performance.md). The SDK takes an {@link HttpClient.Builder}, sets the connect timeout and
 * builds; {@link #builder()} hands it one whose {@code build()} answers the shared client.
 *
 * <p>Sharing is safe: the clients keep no cookies or credentials (the {@code Authorization} header is set per
 * request), and MCP sessions are told apart by header, not by connection. Safe for concurrent use.
 */
final class SharedHttpClients {

    private final Map<Duration, HttpClient> byConnectTimeout = new ConcurrentHashMap<>();

    /** A builder for one transport; only {@code connectTimeout} and {@code build} may be called, as the SDK does. */
    HttpClient.Builder builder() {
        return new SharedBuilder();
    }

    private HttpClient client(Duration connectTimeout) {
        return byConnectTimeout.computeIfAbsent(connectTimeout, timeout -> HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build());
    }

    /** Number of distinct clients; for tests. */
    int size() {
        return byConnectTimeout.size();
    }

    private final class SharedBuilder implements HttpClient.Builder {

        private Duration connectTimeout = Duration.ofSeconds(10);

        @Override
        public HttpClient.Builder connectTimeout(Duration duration) {
            this.connectTimeout = Objects.requireNonNull(duration, "duration");
            return this;
        }

        @Override
        public HttpClient build() {
            return client(connectTimeout);
        }

        @Override
        public HttpClient.Builder version(HttpClient.Version version) {
            // The shared clients speak HTTP/1.1, as the SDK's own default builder asks.
            if (version != HttpClient.Version.HTTP_1_1) {
                throw unsupported("version " + version);
            }
            return this;
        }

        @Override
        public HttpClient.Builder cookieHandler(CookieHandler cookieHandler) {
            throw unsupported("cookieHandler");
        }

        @Override
        public HttpClient.Builder sslContext(SSLContext sslContext) {
            throw unsupported("sslContext");
        }

        @Override
        public HttpClient.Builder sslParameters(SSLParameters sslParameters) {
            throw unsupported("sslParameters");
        }

        @Override
        public HttpClient.Builder executor(Executor executor) {
            throw unsupported("executor");
        }

        @Override
        public HttpClient.Builder followRedirects(HttpClient.Redirect policy) {
            throw unsupported("followRedirects");
        }

        @Override
        public HttpClient.Builder priority(int priority) {
            throw unsupported("priority");
        }

        @Override
        public HttpClient.Builder proxy(ProxySelector proxySelector) {
            throw unsupported("proxy");
        }

        @Override
        public HttpClient.Builder authenticator(Authenticator authenticator) {
            throw unsupported("authenticator");
        }

        /**
         * A setting the shared clients cannot take per connection. Loud on purpose: an SDK upgrade that starts to
         * configure its client must not lose that setting silently.
         */
        private UnsupportedOperationException unsupported(String setting) {
            return new UnsupportedOperationException(
                    "the shared upstream HTTP client cannot take a per-connection " + setting);
        }
    }
}
