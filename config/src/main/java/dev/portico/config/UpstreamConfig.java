package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One remote MCP server behind Portico.
 *
 * @param name unique, {@code [a-z0-9-]+}; appears in tool names, logs and errors
 * @param transport how to reach it
 * @param url the endpoint for HTTP transports (the MCP endpoint for streamable HTTP, the SSE endpoint for
 *     legacy SSE); absent for stdio
 * @param toolPrefix the prefix of its tool and prompt names; {@code ""} exposes them unprefixed
 * @param headers static headers sent with every HTTP request to it
 * @param timeout how long one request to it (initialize, list, call) may take
 * @param command the program to start for stdio; absent for HTTP transports
 * @param args the program's arguments
 * @param env extra environment variables for the program
 * @param reconnect how to retry while it is down
 * @param pingInterval how often an idle connection is pinged to notice that the upstream died; zero disables
 * @param auth how users sign in to it, when configured; absent = discovered when it answers 401
 */
public record UpstreamConfig(
        String name,
        UpstreamTransport transport,
        Optional<URI> url,
        String toolPrefix,
        Map<String, String> headers,
        Duration timeout,
        Optional<String> command,
        List<String> args,
        Map<String, String> env,
        ReconnectPolicy reconnect,
        Duration pingInterval,
        Optional<UpstreamAuthConfig> auth) {

    /** Separates the prefix from the upstream's own tool or prompt name. */
    public static final String PREFIX_SEPARATOR = "__";

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);

    public UpstreamConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(toolPrefix, "toolPrefix");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(command, "command");
        args = List.copyOf(args);
        env = Map.copyOf(env);
        Objects.requireNonNull(reconnect, "reconnect");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(auth, "auth");
        if (transport.isHttp() && url.isEmpty()) {
            throw new IllegalArgumentException("upstream " + name + ": an HTTP transport needs a url");
        }
        if (transport == UpstreamTransport.STDIO && command.isEmpty()) {
            throw new IllegalArgumentException("upstream " + name + ": stdio needs a command");
        }
    }

    /** An upstream without an {@code auth} section. */
    public UpstreamConfig(
            String name,
            UpstreamTransport transport,
            Optional<URI> url,
            String toolPrefix,
            Map<String, String> headers,
            Duration timeout,
            Optional<String> command,
            List<String> args,
            Map<String, String> env,
            ReconnectPolicy reconnect,
            Duration pingInterval) {
        this(
                name,
                transport,
                url,
                toolPrefix,
                headers,
                timeout,
                command,
                args,
                env,
                reconnect,
                pingInterval,
                Optional.empty());
    }

    /** Its {@code auth} section, or the defaults of discovery when it has none. */
    public UpstreamAuthConfig authOrDefaults() {
        return auth.orElseGet(UpstreamAuthConfig::discovered);
    }

    /** The name clients see for the upstream's tool or prompt {@code upstreamName}. */
    public String exposedName(String upstreamName) {
        return toolPrefix.isEmpty() ? upstreamName : toolPrefix + PREFIX_SEPARATOR + upstreamName;
    }

    /** A short description of where it is, for messages: the URL, or the command line. */
    public String location() {
        return url.map(URI::toString)
                .orElseGet(() -> String.join(" ", command.orElse(""), String.join(" ", args)))
                .strip();
    }
}
