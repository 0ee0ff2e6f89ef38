package dev.portico.config;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The downstream listener.
 *
 * @param host the address to bind, {@code 127.0.0.1} unless configured
 * @param port the port to bind; {@code 0} picks a free port, which Portico logs once it listens
 * @param publicUrl the externally visible base URL (no trailing slash) when configured; absent means "derive it
 *     from the bound address", which is only right when clients reach Portico directly
 */
public record ServerConfig(String host, int port, Optional<URI> publicUrl) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publicUrl, "publicUrl");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
