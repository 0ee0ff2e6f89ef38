package dev.portico.aggregator.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A user's browser for sign-in tests: GETs a URL and follows redirects itself, one hop at a time, with its own cookie
 * jar, and reports every URL it visited, so a test can assert the path a sign-in took (Portico's start link, the
 * authorization server, Portico's callback) and what the last page said.
 *
 * <pre>{@code
 * Browser browser = new Browser();
 * Browser.Page page = browser.open(authUrl);
 * assertThat(page.status()).isEqualTo(200);
 * assertThat(page.visited()).hasSize(3);
 * }</pre>
 *
 * <p>Cookies are kept across {@link #open} calls, like one browser profile; use a new {@code Browser} for another
 * user. Safe for use by one test thread at a time.
 */
public final class Browser {

    /** The hop limit of {@link #Browser()}. */
    public static final int DEFAULT_MAX_HOPS = 10;

    private final HttpClient http;
    private final int maxHops;

    public Browser() {
        this(DEFAULT_MAX_HOPS);
    }

    /** @param maxHops how many redirects one {@link #open} follows before it gives up */
    public Browser(int maxHops) {
        if (maxHops < 0) {
            throw new IllegalArgumentException("maxHops must not be negative: " + maxHops);
        }
        this.maxHops = maxHops;
        this.http = HttpClient.newBuilder()
                .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /**
     * The last page reached.
     *
     * @param status the HTTP status of the last response fetched
     * @param body its body
     * @param headers its headers
     * @param visited every URL fetched, in order; the last one is {@link #url()}
     * @param notFollowed the redirect target that was not fetched, when {@link #openUntil} stopped before it
     */
    public record Page(int status, String body, HttpHeaders headers, List<URI> visited, Optional<URI> notFollowed) {

        public Page {
            visited = List.copyOf(visited);
        }

        /** The URL of the last response. */
        public URI url() {
            return visited.get(visited.size() - 1);
        }

        /** The redirect target this page stopped before; fails if it did not stop before one. */
        public URI stoppedAt() {
            return notFollowed.orElseThrow(() -> new IllegalStateException("the browser did not stop before a redirect;"
                    + " it ended at " + url() + " with status " + status));
        }
    }

    /**
     * GETs {@code url} and follows redirects until a response is not a redirect.
     *
     * @throws IllegalStateException after more than the hop limit of redirects, or on a redirect without
     *     {@code Location}
     */
    public Page open(URI url) {
        return openUntil(url, target -> false);
    }

    /**
     * Like {@link #open}, but stops before fetching a redirect target that {@code stopBefore} accepts, and reports it
     * in {@link Page#notFollowed()}; for example to read the code from a redirect to a client that is not listening.
     */
    public Page openUntil(URI url, Predicate<URI> stopBefore) {
        List<URI> visited = new ArrayList<>();
        URI current = url;
        for (int hop = 0; ; hop++) {
            HttpResponse<String> response = get(current);
            visited.add(current);
            int status = response.statusCode();
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (!redirect) {
                return new Page(status, response.body(), response.headers(), visited, Optional.empty());
            }
            URI from = current;
            URI target = response.headers()
                    .firstValue("Location")
                    .map(from::resolve)
                    .orElseThrow(() -> new IllegalStateException(
                            "redirect " + status + " from " + from + " without a Location header"));
            if (stopBefore.test(target)) {
                return new Page(status, response.body(), response.headers(), visited, Optional.of(target));
            }
            if (hop >= maxHops) {
                throw new IllegalStateException("more than " + maxHops + " redirects; visited " + visited);
            }
            current = target;
        }
    }

    private HttpResponse<String> get(URI url) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching " + url, e);
        }
    }
}
