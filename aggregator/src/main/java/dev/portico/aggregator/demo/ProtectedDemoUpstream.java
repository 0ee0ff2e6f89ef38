package dev.portico.aggregator.demo;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MCP server that requires OAuth, for {@code portico demo} and end-to-end tests: streamable HTTP at
 * {@code http://127.0.0.1:PORT/mcp} behind a bearer-token check, with RFC 9728 protected-resource metadata at
 * {@code /.well-known/oauth-protected-resource/mcp} naming one authorization server (typically a
 * {@link DemoIdentityProvider}).
 *
 * <p>Tokens must be JWTs from that issuer, signed with a key of its JWK set, unexpired, and with this server's
 * resource URL (its MCP URL) in {@code aud}. Otherwise: 401 with {@code WWW-Authenticate: Bearer
 * resource_metadata="..."} and, if a token was presented, {@code error="invalid_token"}. Tools: {@code whoami}
 * ("hello &lt;sub&gt;") and {@code echo}.
 *
 * <pre>{@code
 * try (DemoIdentityProvider idp = DemoIdentityProvider.builder().build().start();
 *         ProtectedDemoUpstream calendar = ProtectedDemoUpstream.builder("calendar", idp).build().start()) {
 *     URI upstream = calendar.mcpUrl(); // http://127.0.0.1:54322/mcp
 * }
 * }</pre>
 *
 * <p>Listens on 127.0.0.1 only and rejects non-loopback {@code Host} and {@code Origin} headers.
 */
public final class ProtectedDemoUpstream implements AutoCloseable {

    public static final String MCP_ENDPOINT = "/mcp";

    /** RFC 9728 §3.1: the well-known segment goes between the host and the resource's path. */
    public static final String RESOURCE_METADATA_PATH = "/.well-known/oauth-protected-resource" + MCP_ENDPOINT;

    /** The request attribute (and transport-context key) that carries the validated token's subject. */
    static final String SUBJECT_ATTRIBUTE = "portico.demo.subject";

    private static final Logger log = LoggerFactory.getLogger(ProtectedDemoUpstream.class);
    private static final String HOST = "127.0.0.1";

    private final String name;
    private final URI issuer;
    private final URI jwksUri;
    private final int requestedPort;
    private final List<String> scopes;
    private final Optional<URI> advertisedResource;
    private final boolean onlyToolCalls;
    private final Predicate<String> revokedAtIssuer;
    private final Map<String, String> toolScopes;

    private Server jetty;
    private McpSyncServer server;
    private ProtectedTokenValidator validator;
    private volatile int port;

    private ProtectedDemoUpstream(Builder builder) {
        this.name = builder.name;
        this.issuer = builder.issuer;
        this.jwksUri = builder.jwksUri;
        this.requestedPort = builder.port;
        this.scopes = builder.scopes;
        this.advertisedResource = builder.advertisedResource;
        this.onlyToolCalls = builder.onlyToolCalls;
        this.revokedAtIssuer = builder.revokedAtIssuer;
        this.toolScopes = Map.copyOf(builder.toolScopes);
    }

    /**
     * @param name the server name in the MCP initialize result and the metadata's {@code resource_name}, such as
     *     "calendar"
     * @param issuer the authorization server whose tokens are accepted
     * @param jwksUri where its signing keys are
     */
    public static Builder builder(String name, URI issuer, URI jwksUri) {
        return new Builder(name, issuer, jwksUri);
    }

    /**
     * An upstream that accepts the tokens of {@code idp}, which must be started, unless {@code idp} has revoked them
     * (RFC 7009).
     */
    public static Builder builder(String name, DemoIdentityProvider idp) {
        Builder builder = new Builder(name, idp.issuer(), idp.jwksUri());
        builder.revokedAtIssuer = idp::isRevoked;
        return builder;
    }

    /**
     * Starts the server on 127.0.0.1.
     *
     * @return this
     * @throws IllegalStateException if already started or the port cannot be bound
     */
    public synchronized ProtectedDemoUpstream start() {
        if (jetty != null) {
            throw new IllegalStateException("protected demo upstream " + name + " already started on port " + port);
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("portico-demo-" + name);
        threads.setStopTimeout(1_000);
        Server http = new Server(threads);
        ServerConnector connector = new ServerConnector(http);
        connector.setHost(HOST);
        connector.setPort(requestedPort);
        http.addConnector(connector);
        http.setStopTimeout(0);
        McpSyncServer mcp = null;
        try {
            connector.open(); // binds now: the resource URL, which tokens must name, contains the port
            int bound = connector.getLocalPort();
            URI resource = mcpUrl(bound);
            ProtectedTokenValidator tokens = new ProtectedTokenValidator(issuer, jwksUri, resource, revokedAtIssuer);
            HttpServletStreamableServerTransportProvider transport = transport();
            mcp = McpServer.sync(transport)
                    .serverInfo(name, version())
                    .capabilities(ServerCapabilities.builder().tools(true).build())
                    .tools(whoami(), echo())
                    .build();
            http.setHandler(handler(transport, tokens, resource, bound));
            http.start();
            this.validator = tokens;
            this.port = bound;
        } catch (Exception e) {
            if (mcp != null) {
                mcp.closeGracefully();
            }
            try {
                http.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException(
                    "could not start the protected demo upstream " + name + " on " + HOST + ":" + requestedPort, e);
        }
        this.jetty = http;
        this.server = mcp;
        log.info("Protected demo upstream '{}' listening on {}, accepting tokens of {}", name, mcpUrl(), issuer);
        return this;
    }

    private static HttpServletStreamableServerTransportProvider transport() {
        return HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint(MCP_ENDPOINT)
                .httpHeaderValidator(DefaultServerTransportSecurityValidator.builder()
                        .allowedHosts(List.of(HOST + ":*", "localhost:*", "[::1]:*"))
                        .allowedOrigins(List.of("http://" + HOST + ":*", "http://localhost:*", "http://[::1]:*"))
                        .build())
                .contextExtractor(request -> {
                    Object subject = request.getAttribute(SUBJECT_ATTRIBUTE);
                    return subject == null
                            ? McpTransportContext.EMPTY
                            : McpTransportContext.create(Map.of(SUBJECT_ATTRIBUTE, subject));
                })
                .build();
    }

    private ServletContextHandler handler(
            HttpServletStreamableServerTransportProvider transport,
            ProtectedTokenValidator tokens,
            URI resource,
            int bound) {
        URI metadataUrl = resourceMetadataUrl(bound);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder mcpHolder = new ServletHolder("mcp-" + name, transport);
        mcpHolder.setAsyncSupported(true);
        context.addServlet(mcpHolder, MCP_ENDPOINT);
        FilterHolder gate =
                new FilterHolder(new ProtectedResourceFilter(tokens, metadataUrl, scopes, onlyToolCalls, toolScopes));
        gate.setAsyncSupported(true);
        context.addFilter(gate, MCP_ENDPOINT, EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(
                new ServletHolder(
                        "resource-metadata",
                        new ProtectedResourceMetadataServlet(
                                advertisedResource.orElse(resource), issuer, scopes, name)),
                RESOURCE_METADATA_PATH);
        return context;
    }

    private static SyncToolSpecification whoami() {
        Tool tool = Tool.builder("whoami", Map.of("type", "object", "properties", Map.of()))
                .title("Who am I")
                .description("Says hello to the user the access token was issued for.")
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            Object subject = exchange.transportContext().get(SUBJECT_ATTRIBUTE);
            if (subject == null) {
                return CallToolResult.builder()
                        .addTextContent("No signed-in user: the call carried no validated token.")
                        .isError(true)
                        .build();
            }
            return CallToolResult.builder().addTextContent("hello " + subject).build();
        });
    }

    private static SyncToolSpecification echo() {
        Tool tool = Tool.builder(
                        "echo",
                        Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("text", Map.of("type", "string", "description", "The text to send back.")),
                                "required",
                                List.of("text")))
                .title("Echo")
                .description("Returns the given text unchanged.")
                .build();
        return new SyncToolSpecification(tool, (exchange, request) -> {
            Object text =
                    request.arguments() == null ? null : request.arguments().get("text");
            return CallToolResult.builder()
                    .addTextContent(text == null ? "" : text.toString())
                    .build();
        });
    }

    public String name() {
        return name;
    }

    /** The port actually bound; 0 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT/mcp}, which is also this server's resource URL, the audience tokens must name. */
    public URI mcpUrl() {
        return mcpUrl(started());
    }

    /** The resource URL tokens must carry in {@code aud}: the same as {@link #mcpUrl()}. */
    public URI resource() {
        return mcpUrl();
    }

    /** {@code http://127.0.0.1:PORT/.well-known/oauth-protected-resource/mcp}. */
    public URI resourceMetadataUrl() {
        return resourceMetadataUrl(started());
    }

    /** The authorization server whose tokens are accepted. */
    public URI issuer() {
        return issuer;
    }

    /** Makes every token used so far fail from now on, as if the authorization server had revoked them. */
    public void revokeAll() {
        ProtectedTokenValidator current = validator;
        if (current == null) {
            throw new IllegalStateException("protected demo upstream " + name + " not started");
        }
        current.revokeAll();
        log.info("Protected demo upstream '{}' revoked every token used so far", name);
    }

    public synchronized boolean isRunning() {
        return jetty != null;
    }

    /** Closes the MCP sessions and stops the HTTP server. Idempotent. */
    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        try {
            server.closeGracefully();
        } catch (RuntimeException e) {
            log.debug("Closing the protected demo MCP server failed", e);
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("Stopping the protected demo upstream {} failed: {}", name, e.toString());
        } finally {
            jetty = null;
            server = null;
        }
    }

    private int started() {
        int bound = port;
        if (bound == 0) {
            throw new IllegalStateException("protected demo upstream " + name + " not started");
        }
        return bound;
    }

    private static URI mcpUrl(int port) {
        return URI.create("http://" + HOST + ":" + port + MCP_ENDPOINT);
    }

    private static URI resourceMetadataUrl(int port) {
        return URI.create("http://" + HOST + ":" + port + RESOURCE_METADATA_PATH);
    }

    private static String version() {
        String version = ProtectedDemoUpstream.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Settings; all but the name, issuer and key set have defaults. */
    public static final class Builder {

        private final String name;
        private final URI issuer;
        private final URI jwksUri;
        private int port;
        private List<String> scopes = DemoIdentityProvider.DEFAULT_SCOPES;
        private Optional<URI> advertisedResource = Optional.empty();
        private boolean onlyToolCalls;
        private Predicate<String> revokedAtIssuer = token -> false;
        private final Map<String, String> toolScopes = new LinkedHashMap<>();

        private Builder(String name, URI issuer, URI jwksUri) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            this.issuer = Objects.requireNonNull(issuer, "issuer");
            this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        }

        /** The port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The {@code scopes_supported} of the metadata and the {@code scope} of the challenge; empty omits both. */
        public Builder scopes(List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /**
         * Advertises {@code resource} in the metadata instead of the real resource URL, to test that a client refuses
         * metadata for another resource. Tokens must still name the real one.
         */
        public Builder advertisedResource(URI resource) {
            this.advertisedResource = Optional.of(resource);
            return this;
        }

        /**
         * When true, {@code initialize}, {@code tools/list} and everything but {@code tools/call} work without a
         * token, so that the 401 comes at call time.
         */
        public Builder requireAuthOnlyForToolCalls(boolean onlyToolCalls) {
            this.onlyToolCalls = onlyToolCalls;
            return this;
        }

        /**
         * Makes {@code tool} (a tool of this upstream, such as "echo") require {@code scope}: a call with a valid token
         * without it gets 403 {@code insufficient_scope}, for step-up tests.
         */
        public Builder toolRequiringScope(String tool, String scope) {
            if (tool == null || tool.isBlank() || scope == null || scope.isBlank() || scope.contains(" ")) {
                throw new IllegalArgumentException("tool and scope must be non-blank, scope a single scope token");
            }
            toolScopes.put(tool, scope);
            return this;
        }

        /** An upstream with these settings, not yet started. */
        public ProtectedDemoUpstream build() {
            return new ProtectedDemoUpstream(this);
        }
    }
}
