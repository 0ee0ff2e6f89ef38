package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads {@code server}: the downstream listener. */
final class ServerConfigReader {

    static final List<String> KEYS = List.of("host", "port", "publicUrl", "shutdownGracePeriod", "auth");

    private ServerConfigReader() {}

    /** The server settings, or null when they have problems (already reported). */
    static ServerConfig read(MappingReader root, Problems problems) {
        if (!root.has("server")) {
            return new ServerConfig(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT, Optional.empty());
        }
        Optional<MappingReader> found = root.mapping("server", "server: {host: 127.0.0.1, port: 8080}");
        if (found.isEmpty()) {
            return null;
        }
        MappingReader server = found.get();
        int before = problems.count();
        server.allowOnly(KEYS);
        String host = server.string("host", "host: 127.0.0.1").orElse(ServerConfig.DEFAULT_HOST);
        if (host.isBlank()) {
            server.problem("host", "host is empty", "use an address to listen on, e.g. 127.0.0.1 or 0.0.0.0");
        }
        int port = port(server);
        Optional<URI> publicUrl = publicUrl(server);
        Duration gracePeriod = shutdownGracePeriod(server);
        Optional<ServerAuthConfig> auth = ServerAuthReader.read(server, problems);
        return problems.count() == before ? new ServerConfig(host, port, publicUrl, gracePeriod, auth) : null;
    }

    private static int port(MappingReader server) {
        Optional<Long> port = server.wholeNumber("port", "port: 8080");
        if (port.isPresent() && (port.get() < 0 || port.get() > 65535)) {
            server.problem(
                    "port", "port " + port.get() + " is out of range", "use 1 to 65535, or 0 to pick a free port");
            return ServerConfig.DEFAULT_PORT;
        }
        return port.map(Long::intValue).orElse(ServerConfig.DEFAULT_PORT);
    }

    private static Duration shutdownGracePeriod(MappingReader server) {
        String key = "shutdownGracePeriod";
        Duration grace = server.duration(key).orElse(ServerConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD);
        if (grace.compareTo(ServerConfig.MAX_SHUTDOWN_GRACE_PERIOD) > 0) {
            server.problem(
                    key,
                    key + " " + Durations.format(grace) + " is longer than the maximum of "
                            + Durations.format(ServerConfig.MAX_SHUTDOWN_GRACE_PERIOD),
                    "use at most " + Durations.format(ServerConfig.MAX_SHUTDOWN_GRACE_PERIOD)
                            + ", e.g. 30s; calls still running then are cancelled");
            return ServerConfig.DEFAULT_SHUTDOWN_GRACE_PERIOD;
        }
        return grace;
    }

    private static Optional<URI> publicUrl(MappingReader server) {
        Optional<String> text = server.string("publicUrl", "publicUrl: https://portico.example.com");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String withoutTrailingSlash = text.get().replaceAll("/+$", "");
        Urls.Result url = Urls.parseHttp(withoutTrailingSlash, false);
        if (url.uri().isEmpty()) {
            server.problem(
                    "publicUrl",
                    "publicUrl \"" + text.get() + "\" " + url.problem(),
                    "use the absolute http(s) URL clients reach Portico at, without query or fragment,"
                            + " e.g. https://portico.example.com");
        }
        return url.uri();
    }
}
