package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The downstream listener.
 *
 * @param host the address to bind, {@code 127.0.0.1} unless configured
 * @param port the port to bind; {@code 0} picks a free port, which Portico logs once it listens
 * @param publicUrl the externally visible base URL (no trailing slash) when configured; absent means "derive it
 *     from the bound address", which is only right when clients reach Portico directly
 * @param shutdownGracePeriod how long a stopping Portico lets requests in flight finish before it cancels them;
 *     {@link Duration#ZERO} cancels them at once
 * @param auth inbound authentication of MCP clients; empty = none, and sign-ins belong to each session
 */
public record ServerConfig(
        String host, int port, Optional<URI> publicUrl, Duration shutdownGracePeriod, Optional<ServerAuthConfig> auth) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    /** Long enough for most tool calls, and within the 30 s an orchestrator usually waits before killing. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE_PERIOD = Duration.ofSeconds(20);

    /** A stop that waits longer than this is indistinguishable from a hang. */
    public static final Duration MAX_SHUTDOWN_GRACE_PERIOD = Duration.ofMinutes(10);

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        Objects.requireNonNull(auth, "auth");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (shutdownGracePeriod.isNegative() || shutdownGracePeriod.compareTo(MAX_SHUTDOWN_GRACE_PERIOD) > 0) {
            throw new IllegalArgumentException("shutdownGracePeriod out of range: " + shutdownGracePeriod);
        }
    }

    /** The listener without inbound authentication. */
    public ServerConfig(String host, int port, Optional<URI> publicUrl, Duration shutdownGracePeriod) {
        this(host, port, publicUrl, shutdownGracePeriod, Optional.empty());
    }

    /** The listener with the default shutdown grace period. */
    public ServerConfig(String host, int port, Optional<URI> publicUrl) {
        this(host, port, publicUrl, DEFAULT_SHUTDOWN_GRACE_PERIOD);
    }
}
