package dev.portico.oauth.http;

import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import dev.portico.config.SecurityConfig;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way the broker reaches out: metadata documents, client registration, token and revocation requests.
 *
 * <p>Every URL it is given may come from an upstream (a challenge's {@code resource_metadata}, a metadata document's
 * {@code authorization_servers} or endpoints), so it refuses by default what a server-side request forgery would aim
 * at:
 *
 * <ul>
 *   <li>plain {@code http}, except to a loopback host while {@link OutboundHttpSettings#allowInsecureLoopback()};
 *   <li>hosts that resolve only to loopback, private, link-local, unique-local, multicast or cloud metadata addresses,
 *       unless {@link OutboundHttpSettings#allowedPrivateNetworks()} contains them. The host is resolved once and the
 *       connection goes to an address that was checked ({@link PinnedAddressResolver}), so DNS rebinding between
 *       check and connect is not possible;
 *   <li>redirects, which are returned as responses and never followed, so that a public URL cannot bounce the
 *       request to an internal one;
 *   <li>response bodies larger than {@link OutboundHttpSettings#maxResponseBytes()}, and exchanges longer than the
 *       timeouts.
 * </ul>
 *
 * <p>No cookies are kept between requests. Request header values and request bodies never appear in log lines or
 * exception messages, because they carry client secrets, codes and tokens.
 *
 * <p>Safe for concurrent use. The constructor starts the underlying Jetty client and its threads; {@link #close()}
 * stops them, and whoever constructed the instance closes it.
 */
public final class OutboundHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutboundHttp.class);

    private static final String USER_AGENT = "Portico";

    private final OutboundHttpSettings settings;
    private final HttpClient client;

    /**
     * Starts a client with these limits.
     *
     * @throws IllegalStateException if the Jetty client does not start
     */
    public OutboundHttp(OutboundHttpSettings settings) {
        this(settings, Optional.empty());
    }

    /**
     * A client that asks {@code names} rather than the system resolver what a host's addresses are, for tests that
     * control the answers (DNS rebinding). The address policy applies to its answers as to the system's.
     */
    OutboundHttp(OutboundHttpSettings settings, Optional<SocketAddressResolver> names) {
        this.settings = Objects.requireNonNull(settings, "settings");
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("portico-outbound");
        threads.setDaemon(true);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("portico-outbound-scheduler", true);
        long connectMillis = settings.connectTimeout().toMillis();

        client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setSocketAddressResolver(new PinnedAddressResolver(
                names.orElseGet(() -> new SocketAddressResolver.Async(threads, scheduler, connectMillis)),
                new AddressPolicy(settings.networks())));
        client.setFollowRedirects(false);
        client.setConnectTimeout(connectMillis);
        client.setIdleTimeout(settings.totalTimeout().toMillis());
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, USER_AGENT));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("the outbound HTTP client did not start", e);
        }
        // Installed by start(). They would answer a 401, 407 or 3xx themselves (and fail a 401 that has no
        // challenge, as token endpoints send for invalid_client); the broker and Nimbus need every response as it
        // came.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
    }

    /** The settings for the configured {@code security} section; see {@link OutboundHttpSettings#from}. */
    public static OutboundHttpSettings settingsFrom(SecurityConfig security) {
        return OutboundHttpSettings.from(security);
    }

    /**
     * Fetches a document, typically JSON metadata. {@code Accept: application/json} is sent unless {@code headers}
     * names another {@code Accept}.
     *
     * @param headers extra request header fields; their values are never logged
     * @return the response, whatever its status (a 3xx is returned, not followed)
     * @throws OutboundHttpException if the URL is refused, or the exchange fails or passes a limit
     */
    public OutboundResponse get(URI uri, Map<String, String> headers) throws OutboundHttpException {
        HttpFields.Mutable fields = HttpFields.build();
        fields.put(HttpHeader.ACCEPT, "application/json");
        headers.forEach(fields::put);
        return exchange("GET", uri, fields, null);
    }

    /**
     * A sender through which Nimbus requests ({@code TokenRequest}, {@code ClientRegistrationRequest}, {@code
     * TokenRevocationRequest}: {@code toHTTPRequest().send(sender)}) take this client and its limits. Nimbus's own
     * connect and read timeouts on the request are ignored in favour of the settings. Failures surface as {@link
     * OutboundHttpException}.
     */
    public HTTPRequestSender nimbusSender() {
        return new NimbusSender(this);
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            LOG.warn("the outbound HTTP client did not stop cleanly: {}", e.toString());
        }
    }

    /**
     * Sends one request and waits for the whole response.
     *
     * @param body the request content, or {@code null} for none
     */
    OutboundResponse exchange(String method, URI uri, HttpFields headers, Request.Content body)
            throws OutboundHttpException {
        checkTarget(uri);
        long totalMillis = settings.totalTimeout().toMillis();
        Request request = client.newRequest(uri)
                .method(method)
                .followRedirects(false)
                .timeout(totalMillis, TimeUnit.MILLISECONDS)
                .headers(h -> h.add(headers));
        if (body != null) {
            request.body(body);
        }
        CappedBodyListener listener = new CappedBodyListener(settings.maxResponseBytes());
        request.send(listener);
        Result result = await(request, listener, uri, totalMillis);
        if (result.isFailed()) {
            throw failure(uri, result.getFailure());
        }
        Response response = result.getResponse();
        LOG.debug("{} {} -> {}", method, uri, response.getStatus());
        return new OutboundResponse(
                uri,
                response.getStatus(),
                Objects.requireNonNullElse(response.getReason(), ""),
                headersOf(response.getHeaders()),
                new String(listener.body(), charsetOf(response.getHeaders())));
    }

    private static Result await(Request request, CappedBodyListener listener, URI uri, long totalMillis)
            throws OutboundHttpException {
        try {
            // Jetty enforces the total timeout itself; the extra margin only guards against a result that never comes.
            return listener.result().get(totalMillis + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            request.abort(e);
            Thread.currentThread().interrupt();
            throw new OutboundHttpException(OutboundHttpException.Reason.IO, uri, "interrupted while waiting", e);
        } catch (TimeoutException e) {
            request.abort(e);
            throw timeout(uri, totalMillis, e);
        } catch (ExecutionException e) {
            throw new OutboundHttpException(OutboundHttpException.Reason.IO, uri, "the exchange failed", e.getCause());
        }
    }

    /** Refusals that need no network: the URL's form and its scheme. */
    private void checkTarget(URI uri) throws OutboundHttpException {
        if (uri == null || !uri.isAbsolute() || uri.isOpaque()) {
            throw new OutboundHttpException(OutboundHttpException.Reason.INVALID_URL, null, "not an absolute URL");
        }
        if (uri.getRawUserInfo() != null) {
            // The user-info part is a credential: name the URL without it.
            throw new OutboundHttpException(
                    OutboundHttpException.Reason.INVALID_URL, withoutUserInfo(uri), "the URL carries credentials");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new OutboundHttpException(
                    OutboundHttpException.Reason.INVALID_URL, uri, "only https URLs are fetched, not " + scheme);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new OutboundHttpException(OutboundHttpException.Reason.INVALID_URL, uri, "the URL has no host");
        }
        if (scheme.equals("http")) {
            if (!isLoopbackHost(host)) {
                throw new OutboundHttpException(
                        OutboundHttpException.Reason.INSECURE_SCHEME,
                        uri,
                        "plain http is refused; only https, or http to a loopback host, is allowed");
            }
            if (!settings.allowInsecureLoopback()) {
                throw new OutboundHttpException(
                        OutboundHttpException.Reason.INSECURE_SCHEME,
                        uri,
                        "plain http to loopback is refused because security.allowInsecureLoopback is off");
            }
        }
    }

    private static boolean isLoopbackHost(String host) {
        if (PinnedAddressResolver.isLoopbackName(host)) {
            return true;
        }
        Optional<InetAddress> literal = IpNetwork.parseLiteral(host);
        return literal.isPresent() && literal.get().isLoopbackAddress();
    }

    private static URI withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The typed form of a failed exchange; the messages name causes, never header values or bodies. */
    private OutboundHttpException failure(URI uri, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof OutboundHttpException) {
                return ((OutboundHttpException) t).withUri(uri);
            }
            if (t instanceof CappedBodyListener.BodyTooLarge) {
                return new OutboundHttpException(OutboundHttpException.Reason.TOO_LARGE, uri, t.getMessage());
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new OutboundHttpException(
                        OutboundHttpException.Reason.UNKNOWN_HOST, uri, "the host name does not resolve", failure);
            }
            if (t instanceof TimeoutException) {
                return timeout(uri, settings.totalTimeout().toMillis(), failure);
            }
            if (t instanceof SocketTimeoutException) {
                return new OutboundHttpException(
                        OutboundHttpException.Reason.CONNECT,
                        uri,
                        "no connection within " + settings.connectTimeout().toMillis() + " ms",
                        failure);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new OutboundHttpException(
                        OutboundHttpException.Reason.CONNECT, uri, "could not connect: " + t.getMessage(), failure);
            }
            if (t instanceof SSLException) {
                return new OutboundHttpException(
                        OutboundHttpException.Reason.CONNECT, uri, "TLS failed: " + t.getMessage(), failure);
            }
        }
        return new OutboundHttpException(
                OutboundHttpException.Reason.IO, uri, "the exchange failed: " + failure, failure);
    }

    private static OutboundHttpException timeout(URI uri, long totalMillis, Throwable cause) {
        return new OutboundHttpException(
                OutboundHttpException.Reason.TIMEOUT, uri, "no complete response within " + totalMillis + " ms", cause);
    }

    private static Map<String, List<String>> headersOf(HttpFields fields) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : fields) {
            headers.computeIfAbsent(field.getName(), name -> new ArrayList<>()).add(field.getValue());
        }
        return headers;
    }

    /** The charset of the {@code Content-Type}, else UTF-8, the only encoding JSON allows (RFC 8259 §8.1). */
    private static Charset charsetOf(HttpFields fields) {
        String contentType = fields.get(HttpHeader.CONTENT_TYPE);
        String name = contentType == null ? null : MimeTypes.getCharsetFromContentType(contentType);
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
