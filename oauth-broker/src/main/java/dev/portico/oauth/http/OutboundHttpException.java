package dev.portico.oauth.http;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;

/**
 * An outbound request that was refused before it was sent, or that failed on the way. An {@link IOException} so that
 * it passes through Nimbus's {@code HTTPRequestSender} unchanged.
 *
 * <p>The message names the URL and the reason in one line, for a log or a user. It never holds a request header
 * (headers may carry credentials), a request body, or a response body.
 */
public final class OutboundHttpException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The class of failure. */
    public enum Reason {
        /** The URL is not an absolute http(s) URL with a host, or carries credentials. */
        INVALID_URL,
        /** Plain http to a host that is not loopback, or to loopback while that is not allowed. */
        INSECURE_SCHEME,
        /** The host resolves only to addresses the settings do not allow. */
        FORBIDDEN_ADDRESS,
        /** The host name does not resolve. */
        UNKNOWN_HOST,
        /** No connection could be made: refused, unreachable, TLS failure, or the connect timeout passed. */
        CONNECT,
        /** The total timeout passed before the response was complete. */
        TIMEOUT,
        /** The response body exceeds the configured maximum. */
        TOO_LARGE,
        /** Anything else on the way: a reset connection, a malformed response. */
        IO
    }

    private final Reason reason;
    private final transient URI uri;
    private final String detail;

    public OutboundHttpException(Reason reason, URI uri, String detail, Throwable cause) {
        super(describe(uri, detail), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.uri = uri;
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    public OutboundHttpException(Reason reason, URI uri, String detail) {
        this(reason, uri, detail, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The URL of the request, or {@code null} when the failure came from below the request (address resolution). */
    public URI uri() {
        return uri;
    }

    /** The reason in words, without the URL. */
    public String detail() {
        return detail;
    }

    /** The same failure, now naming the request's URL. */
    OutboundHttpException withUri(URI requestUri) {
        return new OutboundHttpException(reason, requestUri, detail, getCause());
    }

    private static String describe(URI uri, String detail) {
        return uri == null ? detail : uri + ": " + detail;
    }
}
