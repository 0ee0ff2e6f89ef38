package dev.portico.transport.upstream;

import dev.portico.config.UpstreamConfig;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpError;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why talking to an upstream failed, in words a user can act on, and whether it means the upstream is down.
 *
 * @param kind the class of failure
 * @param message one sentence naming the upstream and the cause; never a stack trace, never a credential
 * @param status the HTTP status for {@link Kind#UNAUTHORIZED}, else 0
 * @param wwwAuthenticate the raw {@code WWW-Authenticate} values of a 401 or 403, for the OAuth broker
 */
public record UpstreamFailure(Kind kind, String message, int status, Optional<String> wwwAuthenticate) {

    /**
     * How the SDK's HTTP client transports report an unexpected status ("Received unexpected status code: 500, ..."
     * for streamable HTTP, "Sending message failed with a non-OK HTTP code: 503 - ..." for SSE); they throw no typed
     * exception carrying it.
     */
    /** The SDK's message (an IllegalArgumentException) for JSON that is not a JSON-RPC message; it quotes the body. */
    private static final String NOT_JSON_RPC = "Cannot deserialize JSONRPCMessage";

    private static final Pattern HTTP_STATUS = Pattern.compile(
            "^(?:Received unexpected status code:|Sending message failed with a non-OK HTTP code:) (\\d{3})");

    public enum Kind {
        /** Nothing answers (refused, reset, process exited): the upstream is down. */
        UNREACHABLE,
        /** It did not answer within the configured timeout. */
        TIMEOUT,
        /** It answered 401 or 403: a credential is missing, expired or insufficient. */
        UNAUTHORIZED,
        /** It answered with a JSON-RPC error: the upstream is up and said no. */
        PROTOCOL_ERROR,
        /** Anything else: a malformed response, an unexpected exception. */
        OTHER
    }

    /**
     * True for a 403: the upstream took the token but refuses this one request (RFC 6750 §3.1 {@code
     * insufficient_scope} is the usual cause). The connection stays usable for everything else.
     */
    public boolean refusesThisRequestOnly() {
        return kind == Kind.UNAUTHORIZED && status == 403;
    }

    /** True when the failure says the connection is unusable and should be reopened. */
    public boolean connectionLost() {
        return kind == Kind.UNREACHABLE || kind == Kind.OTHER;
    }

    public static UpstreamFailure of(UpstreamConfig upstream, Throwable error) {
        String name = "upstream '" + upstream.name() + "'";
        McpHttpClientTransportAuthorizationException auth =
                find(error, McpHttpClientTransportAuthorizationException.class);
        if (auth != null) {
            int status = auth.getResponseInfo().statusCode();
            String header = String.join(", ", auth.getResponseInfo().headers().allValues("WWW-Authenticate"));
            return new UpstreamFailure(
                    Kind.UNAUTHORIZED,
                    name + " requires authorization (HTTP " + status + ")",
                    status,
                    header.isEmpty() ? Optional.empty() : Optional.of(header));
        }
        UpstreamAuthorizationException probed = find(error, UpstreamAuthorizationException.class);
        if (probed != null) {
            String header = String.join(", ", probed.wwwAuthenticate());
            return new UpstreamFailure(
                    Kind.UNAUTHORIZED,
                    name + " requires authorization (HTTP " + probed.status() + ")",
                    probed.status(),
                    header.isEmpty() ? Optional.empty() : Optional.of(header));
        }
        McpError mcpError = find(error, McpError.class);
        if (mcpError != null && mcpError.getJsonRpcError() != null) {
            return new UpstreamFailure(
                    Kind.PROTOCOL_ERROR,
                    name + " answered with an error: "
                            + mcpError.getJsonRpcError().message(),
                    0,
                    Optional.empty());
        }
        if (find(error, TimeoutException.class) != null
                || find(error, HttpTimeoutException.class) != null
                        && find(error, HttpConnectTimeoutException.class) == null) {
            return new UpstreamFailure(
                    Kind.TIMEOUT,
                    name + " did not answer within " + Durations.human(upstream.timeout()),
                    0,
                    Optional.empty());
        }
        // Checked before IOException, which Jackson's exceptions extend: a malformed answer is not an unreachable
        // server.
        if (find(error, com.fasterxml.jackson.core.JacksonException.class) != null
                || rootMessage(error).startsWith(NOT_JSON_RPC)) {
            return new UpstreamFailure(
                    Kind.OTHER, name + " sent a response that is not valid JSON-RPC", 0, Optional.empty());
        }
        Matcher status = HTTP_STATUS.matcher(rootMessage(error));
        if (status.find()) {
            // The SDK puts the whole response body (often an HTML error page) in its message; the status says enough.
            return new UpstreamFailure(Kind.OTHER, name + " answered HTTP " + status.group(1), 0, Optional.empty());
        }
        if (find(error, ConnectException.class) != null
                || find(error, HttpConnectTimeoutException.class) != null
                || find(error, ClosedChannelException.class) != null
                || find(error, java.io.IOException.class) != null) {
            return new UpstreamFailure(
                    Kind.UNREACHABLE,
                    name + " is unreachable at " + upstream.location() + " (" + rootMessage(error) + ")",
                    0,
                    Optional.empty());
        }
        return new UpstreamFailure(Kind.OTHER, name + " failed: " + rootMessage(error), 0, Optional.empty());
    }

    /** A failure Portico decided on itself, e.g. "not connected yet". */
    public static UpstreamFailure unreachable(UpstreamConfig upstream, String cause) {
        return new UpstreamFailure(
                Kind.UNREACHABLE, "upstream '" + upstream.name() + "' is unavailable: " + cause, 0, Optional.empty());
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        // A dropped socket often carries no message (ClosedChannelException); a class name means nothing to a user.
        String text = message != null && !message.isBlank()
                ? message
                : root instanceof java.io.IOException
                        ? "connection closed"
                        : root.getClass().getSimpleName();
        // Keep the user-facing sentence short and single-line whatever the library put in its message.
        text = text.replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (type.isInstance(suppressed)) {
                    return type.cast(suppressed);
                }
            }
        }
        return null;
    }

    /** Durations as people write them. */
    static final class Durations {
        private Durations() {}

        static String human(java.time.Duration d) {
            long ms = d.toMillis();
            if (ms % 3_600_000 == 0) {
                return ms / 3_600_000 + "h";
            }
            if (ms % 60_000 == 0) {
                return ms / 60_000 + "m";
            }
            if (ms % 1000 == 0) {
                return ms / 1000 + "s";
            }
            return ms + "ms";
        }
    }
}
