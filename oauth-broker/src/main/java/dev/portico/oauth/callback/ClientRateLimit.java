package dev.portico.oauth.callback;

import dev.portico.oauth.limits.ClientAddresses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One per-client-address rate limit in front of a browser endpoint (the start link, the callback): checked first,
 * before the request touches the store, and answered with {@link Pages#tooManyRequests} when reached.
 */
public final class ClientRateLimit {

    private static final Logger LOG = LoggerFactory.getLogger(ClientRateLimit.class);

    private final String endpoint;
    private final ClientAddresses addresses;
    private final Function<String, Optional<Duration>> limit;

    /**
     * @param endpoint names the endpoint in the log line, e.g. "sign-in callback"
     * @param limit takes a permit for a client address: empty when granted, else the time to retry after
     */
    public ClientRateLimit(String endpoint, ClientAddresses addresses, Function<String, Optional<Duration>> limit) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** Takes a permit for the request's client address; when none is left, answers 429 and returns true. */
    boolean refused(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String client = addresses.of(request);
        Optional<Duration> retryAfter = limit.apply(client);
        if (retryAfter.isEmpty()) {
            return false;
        }
        LOG.warn(
                "{} refused: rate limit client={} retryAfter={}s",
                endpoint,
                client,
                retryAfter.get().toSeconds());
        Pages.tooManyRequests(response, retryAfter.get());
        return true;
    }
}
