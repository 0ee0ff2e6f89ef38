package dev.portico.config;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads one entry of {@code upstreams}. Checks that involve several upstreams are in {@link UpstreamsReader}. */
final class UpstreamConfigReader {

    static final List<String> KEYS = List.of(
            "name",
            "transport",
            "url",
            "toolPrefix",
            "headers",
            "timeout",
            "pingInterval",
            "reconnect",
            "command",
            "args",
            "env",
            "auth");
    static final List<String> RECONNECT_KEYS = List.of("initialDelay", "maxDelay");

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    // RFC 9110 token characters: anything else cannot be sent as a header name.
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final String TRANSPORTS = Arrays.stream(UpstreamTransport.values())
            .map(UpstreamTransport::configName)
            .collect(Collectors.joining(", "));

    /**
     * What the cross-upstream checks need from one entry, whether or not the entry itself is valid.
     *
     * @param name the name when valid, else null
     * @param toolPrefix the effective tool prefix when it is known to be valid, else null
     * @param toolPrefixKey the key the prefix comes from: {@code toolPrefix}, or {@code name} by default
     * @param config the upstream when the entry has no problems, else null
     * @param subjectUpstreamPosition where {@code auth.tokenExchange.subjectUpstream} is, when {@code config} has one;
     *     else null
     */
    record Entry(
            String path,
            String name,
            Position namePosition,
            String toolPrefix,
            String toolPrefixKey,
            Position toolPrefixPosition,
            UpstreamConfig config,
            Position subjectUpstreamPosition) {}

    private final MappingReader upstream;
    private final Problems problems;

    private UpstreamConfigReader(MappingReader upstream, Problems problems) {
        this.upstream = upstream;
        this.problems = problems;
    }

    /** Reads the entry at {@code path}; null if it is not even a mapping. */
    static Entry read(YamlNode node, String path, Problems problems) {
        return MappingReader.of(
                        node,
                        path,
                        "an upstream (a mapping with name, transport, ...)",
                        "- name: files  (then transport and the other keys, indented under name)",
                        problems)
                .map(upstream -> new UpstreamConfigReader(upstream, problems).read())
                .orElse(null);
    }

    private Entry read() {
        int before = problems.count();
        upstream.allowOnly(KEYS);
        Optional<String> name = name();
        Optional<UpstreamTransport> transport = transport();
        transport.ifPresent(this::rejectKeysOfOtherTransports);
        Optional<URI> url = url(transport);
        Optional<String> command = command(transport);
        Optional<String> toolPrefix = toolPrefix(name);
        Map<String, String> headers = headers();
        List<String> args = upstream.stringList("args", "args: [\"-y\", \"@modelcontextprotocol/server-everything\"]")
                .orElse(List.of());
        Map<String, String> env = env();
        Duration timeout = timeout();
        Duration pingInterval = upstream.duration("pingInterval").orElse(UpstreamConfig.DEFAULT_PING_INTERVAL);
        ReconnectPolicy reconnect = reconnect();
        boolean stdio = transport.map(t -> t == UpstreamTransport.STDIO).orElse(false);
        Optional<UpstreamAuthConfig> auth = stdio ? Optional.empty() : UpstreamAuthReader.read(upstream, problems);

        UpstreamConfig config = problems.count() == before
                ? new UpstreamConfig(
                        name.orElseThrow(),
                        transport.orElseThrow(),
                        url,
                        toolPrefix.orElseThrow(),
                        headers,
                        timeout,
                        command,
                        args,
                        env,
                        reconnect,
                        pingInterval,
                        auth)
                : null;
        String prefixKey = upstream.has("toolPrefix") ? "toolPrefix" : "name";
        return new Entry(
                upstream.path(),
                name.orElse(null),
                upstream.valuePosition("name"),
                toolPrefix.orElse(null),
                prefixKey,
                upstream.valuePosition(prefixKey),
                config,
                config == null
                        ? null
                        : UpstreamAuthReader.subjectUpstreamPosition(upstream).orElse(null));
    }

    private Optional<String> name() {
        if (!upstream.has("name")) {
            upstream.problem("name", "missing name", "add a unique name made of a-z, 0-9 and -, e.g. name: files");
            return Optional.empty();
        }
        return upstream.string("name", "name: files").filter(name -> {
            if (NAME.matcher(name).matches()) {
                return true;
            }
            upstream.problem(
                    "name",
                    "invalid name \"" + name + "\"",
                    "use only lowercase letters, digits and -, e.g. \"" + suggestedName(name) + "\"");
            return false;
        });
    }

    private Optional<UpstreamTransport> transport() {
        if (!upstream.has("transport")) {
            upstream.problem("transport", "missing transport", "add transport: one of " + TRANSPORTS);
            return Optional.empty();
        }
        Optional<String> text = upstream.string("transport", "transport: streamable-http");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Optional<UpstreamTransport> transport = UpstreamTransport.fromConfigName(text.get());
        if (transport.isEmpty()) {
            upstream.problem("transport", "unknown transport \"" + text.get() + "\"", "use one of: " + TRANSPORTS);
        }
        return transport;
    }

    /** Keys that belong to the other kind of transport are mistakes, not harmless extras: they would be ignored. */
    private void rejectKeysOfOtherTransports(UpstreamTransport transport) {
        if (transport.isHttp()) {
            for (String key : List.of("command", "args", "env")) {
                if (upstream.has(key)) {
                    upstream.problemAtKey(
                            key,
                            "`" + key + "` is only used with transport stdio, not " + transport.configName(),
                            "remove `" + key + "`, or set transport: stdio");
                }
            }
        } else {
            if (upstream.has("url")) {
                upstream.problemAtKey(
                        "url",
                        "`url` is not used with transport stdio",
                        "remove `url`, or set transport to streamable-http or sse");
            }
            if (upstream.has("auth")) {
                upstream.problemAtKey(
                        "auth",
                        "`auth` is not used with transport stdio: Portico signs in only to HTTP upstreams",
                        "remove `auth`; pass credentials to a stdio server with `env` or `args`");
            }
            if (upstream.has("headers")) {
                upstream.problemAtKey(
                        "headers",
                        "`headers` are only sent by the HTTP transports, not stdio",
                        "remove `headers`; pass settings to a stdio server with `env` or `args`");
            }
        }
    }

    private Optional<URI> url(Optional<UpstreamTransport> transport) {
        boolean needed = transport.map(UpstreamTransport::isHttp).orElse(false);
        boolean forbidden = transport.isPresent() && !needed;
        if (!upstream.has("url") || forbidden) {
            if (needed) {
                upstream.problem(
                        "url",
                        "missing url, which transport " + transport.get().configName() + " needs",
                        "add the upstream's endpoint, e.g. url: http://127.0.0.1:3001/mcp");
            }
            return Optional.empty();
        }
        Optional<String> text = upstream.string("url", "url: http://127.0.0.1:3001/mcp");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Urls.Result url = Urls.parseHttp(text.get(), true);
        if (url.uri().isEmpty()) {
            upstream.problem(
                    "url",
                    "url \"" + text.get() + "\" " + url.problem(),
                    "use an absolute http or https URL, e.g. http://127.0.0.1:3001/mcp");
        }
        return url.uri();
    }

    private Optional<String> command(Optional<UpstreamTransport> transport) {
        boolean needed = transport.map(t -> t == UpstreamTransport.STDIO).orElse(false);
        boolean forbidden = transport.isPresent() && !needed;
        if (!upstream.has("command") || forbidden) {
            if (needed) {
                upstream.problem(
                        "command",
                        "missing command, which transport stdio needs",
                        "add the program to start, e.g. command: npx");
            }
            return Optional.empty();
        }
        Optional<String> command = upstream.string("command", "command: npx");
        if (command.isPresent() && command.get().isBlank()) {
            upstream.problem("command", "command is empty", "give the program to start, e.g. command: npx");
            return Optional.empty();
        }
        return command;
    }

    /** The effective prefix: as configured, or the name by default. */
    private Optional<String> toolPrefix(Optional<String> name) {
        if (!upstream.has("toolPrefix")) {
            return name;
        }
        return upstream.string("toolPrefix", "toolPrefix: files").filter(prefix -> {
            if (prefix.isEmpty() || NAME.matcher(prefix).matches()) {
                return true;
            }
            upstream.problem(
                    "toolPrefix",
                    "invalid toolPrefix \"" + prefix + "\"",
                    "use only lowercase letters, digits and -, e.g. \"" + suggestedName(prefix)
                            + "\", or \"\" for no prefix");
            return false;
        });
    }

    private Map<String, String> headers() {
        Optional<Map<String, String>> headers = upstream.stringMap("headers", "headers: {X-Api-Key: \"${API_KEY}\"}");
        headers.ifPresent(found -> found.forEach((name, value) -> {
            String path = KeyPaths.child(upstream.pathOf("headers"), name);
            if (!HEADER_NAME.matcher(name).matches()) {
                problems.add(
                        headerKeyPosition(name),
                        path,
                        "invalid header name \"" + name + "\"",
                        "use letters, digits and - (and no spaces or colons), e.g. X-Api-Key");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                // Usually a secret read from a file with its trailing newline; sending it would split the request.
                problems.add(
                        headerKeyPosition(name),
                        path,
                        "the value of header " + name + " contains a line break",
                        "remove the line break (check the environment variable it comes from)");
            }
        }));
        return headers.orElse(Map.of());
    }

    private Position headerKeyPosition(String name) {
        return upstream.nestedKeyPosition("headers", name);
    }

    private Map<String, String> env() {
        Optional<Map<String, String>> env = upstream.stringMap("env", "env: {LOG_LEVEL: debug}");
        env.ifPresent(found -> found.keySet().forEach(variable -> {
            if (variable.isEmpty() || variable.contains("=") || variable.contains("\0")) {
                problems.add(
                        upstream.nestedKeyPosition("env", variable),
                        KeyPaths.child(upstream.pathOf("env"), variable),
                        "invalid environment variable name \"" + variable + "\"",
                        "use a name without \"=\", e.g. LOG_LEVEL");
            }
        }));
        return env.orElse(Map.of());
    }

    private Duration timeout() {
        Optional<Duration> timeout = upstream.duration("timeout");
        if (timeout.isPresent() && timeout.get().isZero()) {
            upstream.problem("timeout", "timeout must be longer than 0", "use a positive duration, e.g. 30s");
        }
        return timeout.orElse(UpstreamConfig.DEFAULT_TIMEOUT);
    }

    private ReconnectPolicy reconnect() {
        Optional<MappingReader> found = upstream.mapping("reconnect", "reconnect: {initialDelay: 1s, maxDelay: 60s}");
        if (found.isEmpty()) {
            return ReconnectPolicy.DEFAULT;
        }
        MappingReader reconnect = found.get();
        reconnect.allowOnly(RECONNECT_KEYS);
        Optional<Duration> initial = reconnect.duration("initialDelay");
        Optional<Duration> max = reconnect.duration("maxDelay");
        if (initial.isPresent() && initial.get().isZero()) {
            reconnect.problem("initialDelay", "initialDelay must be longer than 0", "use a positive duration, e.g. 1s");
            return ReconnectPolicy.DEFAULT;
        }
        Duration initialDelay = initial.orElse(ReconnectPolicy.DEFAULT.initialDelay());
        Duration maxDelay = max.orElse(ReconnectPolicy.DEFAULT.maxDelay());
        boolean bothUsable =
                initial.isPresent() == reconnect.has("initialDelay") && max.isPresent() == reconnect.has("maxDelay");
        if (!bothUsable) {
            // The unusable one is reported already; building a policy from the other and a default could fail.
            return ReconnectPolicy.DEFAULT;
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            String key = max.isPresent() ? "maxDelay" : "initialDelay";
            reconnect.problem(
                    key,
                    "maxDelay (" + describe(maxDelay, max.isEmpty()) + ") is shorter than initialDelay ("
                            + describe(initialDelay, initial.isEmpty()) + ")",
                    "make maxDelay at least as long as initialDelay");
            return ReconnectPolicy.DEFAULT;
        }
        return new ReconnectPolicy(initialDelay, maxDelay);
    }

    private static String describe(Duration duration, boolean isDefault) {
        String text = duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        return isDefault ? text + " by default" : text;
    }

    /** A valid name close to what the admin wrote, so the fix can be copied. */
    static String suggestedName(String invalid) {
        String suggestion =
                invalid.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-").replaceAll("^-+|-+$", "");
        return suggestion.isEmpty() ? "my-upstream" : suggestion;
    }
}
