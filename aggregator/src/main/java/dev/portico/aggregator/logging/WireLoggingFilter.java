package dev.portico.aggregator.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.List;
import org.slf4j.Marker;

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
 *       transports), when java.util.logging is bridged here, prints requests and redirects with their query.
 * </ul>
 *
 * <p>Their INFO, WARN and ERROR events pass, as do every event of Portico's own loggers: the leak test proves those
 * free of secrets. Safe for concurrent use; holds no state.
 */
public final class WireLoggingFilter extends TurboFilter {

    static final List<String> WIRE_LOGGERS = List.of(
            "org.eclipse.jetty",
            "io.modelcontextprotocol",
            "no.nav.security.mock",
            "okhttp3",
            "jdk.internal.httpclient",
            "jdk.httpclient");

    @Override
    public FilterReply decide(
            Marker marker, Logger logger, Level level, String format, Object[] params, Throwable thrown) {
        if (level == null || level.isGreaterOrEqual(Level.INFO) || logger == null) {
            return FilterReply.NEUTRAL;
        }
        return isWireLogger(logger.getName()) ? FilterReply.DENY : FilterReply.NEUTRAL;
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
