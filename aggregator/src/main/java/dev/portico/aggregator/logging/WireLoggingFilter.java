package dev.portico.aggregator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.portico.transport.downstream.SessionIds;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Drops the DEBUG and TRACE events of libraries that log what travels on the wire, whatever level their loggers are
 * set to, so that turning logging up to find a problem cannot put a token, an authorization code, a PKCE verifier, a
 * client secret or a full session id into the logs. Installed by {@code logback.xml}; see docs/security.md, "Secrets
 * in logs", for what each library printed when the OAuth end-to-end tests ran with every logger at TRACE.
 *
 * <ul>
 *   <li>{@code org.eclipse.jetty}: the server's and the outbound client's HTTP parsers and generators print every
 *       header ({@code Authorization}, {@code Mcp-Session-Id}, {@code Cookie}) and buffer dumps of bodies (token
 *       responses, form posts with {@code code_verifier});
 *   <li>{@code io.modelcontextprotocol}: the MCP SDK's transports print the full session id with every message;
 *   <li>{@code no.nav.security.mock} and {@code okhttp3}: the demo identity provider's mock prints token requests,
 *       their codes, verifiers and client secrets;
 *   <li>{@code jdk.internal.httpclient} and {@code jdk.httpclient}: the JDK's HTTP client (the SDK's upstream
 *       transports), when java.util.logging is bridged here, prints requests and redirects with their query;
 *   <li>{@code sun.net.www}: the JDK's {@code HttpURLConnection} (Portico's direct tool calls), likewise, prints every
 *       request header, {@code Authorization} and {@code Mcp-Session-Id} included.
 * </ul>
 *
 * <p>Their INFO, WARN and ERROR events pass, as do every event of Portico's own loggers: the leak test proves those
 * free of secrets. One exception: the MCP SDK names the session in a few warnings and errors ("Keep-alive ping to
 * session {} failed", "Failed to send message to session {}"), which happen whenever a client goes away. Such an event
 * is logged again with every argument that is a session id cut to its first 8 characters, and the original dropped.
 *
 * <p>Safe for concurrent use; holds no state.
 */
public final class WireLoggingFilter extends TurboFilter {

    static final List<String> WIRE_LOGGERS = List.of(
            "org.eclipse.jetty",
            "io.modelcontextprotocol",
            "no.nav.security.mock",
            "okhttp3",
            "jdk.internal.httpclient",
            "jdk.httpclient",
            "sun.net.www");

    /**
     * What {@code SessionFactories} hands out (128 random bits in lowercase hex), and the UUIDs the SDK's legacy SSE
     * transport names its sessions with, which a client posts to {@code /message?sessionId=} and so are credentials.
     */
    private static final Pattern SESSION_ID =
            Pattern.compile("[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable thrown) {
        if (level == null || logger == null || !isWireLogger(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        if (!level.isGreaterOrEqual(Level.INFO)) {
            return FilterReply.DENY;
        }
        if (params == null || Arrays.stream(params).noneMatch(WireLoggingFilter::isSessionId)) {
            return FilterReply.NEUTRAL;
        }
        // Logged again with the ids cut, which this filter then lets through; the original is dropped.
        LoggingEventBuilder again = logger.makeLoggingEventBuilder(
                        org.slf4j.event.Level.intToLevel(Level.toLocationAwareLoggerInteger(level)))
                .setMessage(format)
                .setCause(thrown);
        if (marker != null) {
            again = again.addMarker(marker);
        }
        for (Object param : params) {
            again = again.addArgument(isSessionId(param) ? SessionIds.truncate((String) param) + "…" : param);
        }
        again.log();
        return FilterReply.DENY;
    }

    private static boolean isSessionId(Object param) {
        return param instanceof String text && SESSION_ID.matcher(text).matches();
    }

    static boolean isWireLogger(String name) {
        for (String prefix : WIRE_LOGGERS) {
            if (name.startsWith(prefix) && (name.length() == prefix.length() || name.charAt(prefix.length()) == '.')) {
                return true;
            }
        }
        return false;
    }
}
