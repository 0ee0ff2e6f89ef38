package dev.portico.transport.upstream;

import dev.portico.config.UpstreamConfig;
import dev.portico.transport.tracecontext.TraceContext;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.client.transport.customizer.McpSyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Opens MCP client connections to upstreams as their config says. Stateless and safe for concurrent use; every
 * connection it returns is owned (and closed) by the caller.
 */
public final class UpstreamConnector {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);

    /** How the SDK's compact JSON names the initialize request's method. */
    private static final String INITIALIZE_METHOD = "\"method\":\"" + McpSchema.METHOD_INITIALIZE + "\"";

    /** Connecting is only a part of a request's budget; a black-holed address should fail fast. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final McpSchema.Implementation clientInfo;
    /** One HTTP client for every connection this connector opens, not one per connection. */
    private final SharedHttpClients httpClients = new SharedHttpClients();

    public UpstreamConnector(McpSchema.Implementation clientInfo) {
        this.clientInfo = clientInfo;
    }

    /**
     * Connects and completes the MCP initialization. Fails with the transport's error (describe it with {@link
     * UpstreamFailure#of}); on failure nothing is left open.
     */
    public Mono<UpstreamConnection> connect(UpstreamConfig config, UpstreamClientSpec spec) {
        Mono<Void> probe = config.transport() == dev.portico.config.UpstreamTransport.SSE
                ? SseAuthorizationProbe.probe(config, spec)
                : Mono.empty();
        return probe.then(Mono.defer(() -> {
            DirectToolCalls direct = config.transport() == dev.portico.config.UpstreamTransport.STREAMABLE_HTTP
                    ? directToolCalls(config, spec)
                    : null;
            McpClientTransport raw = transport(config, spec, direct);
            CancellableTransport transport = new CancellableTransport(raw, direct);
            McpAsyncClient client = client(config, spec, transport);
            Sinks.Empty<Void> ended = Sinks.empty();
            return client.initialize()
                    .map(result -> {
                        if (raw instanceof StdioClientTransport stdio) {
                            watchExit(config, stdio, ended);
                        }
                        return new UpstreamConnection(config, client, transport, direct, result, ended);
                    })
                    .doOnError(e -> client.close())
                    .doOnCancel(client::close);
        }));
    }

    private McpAsyncClient client(UpstreamConfig config, UpstreamClientSpec spec, McpClientTransport transport) {
        McpClient.AsyncSpec builder = McpClient.async(transport)
                .requestTimeout(config.timeout())
                .initializationTimeout(config.timeout())
                .clientInfo(clientInfo)
                .capabilities(spec.capabilities())
                .toolsChangeConsumer(
                        tools -> Mono.fromRunnable(() -> spec.toolsChanged().accept(tools)))
                .resourcesChangeConsumer(resources ->
                        Mono.fromRunnable(() -> spec.resourcesChanged().accept(resources)))
                .promptsChangeConsumer(
                        prompts -> Mono.fromRunnable(() -> spec.promptsChanged().accept(prompts)))
                .resourcesUpdateConsumer(contents -> reactor.core.publisher.Flux.fromIterable(contents)
                        .map(McpSchema.ResourceContents::uri)
                        .distinct()
                        .concatMap(spec.resourceUpdated())
                        .then())
                .loggingConsumer(spec.logging())
                .progressConsumer(spec.progress());
        if (spec.sampling() != null) {
            builder.sampling(spec.sampling());
        }
        if (spec.formElicitation() != null) {
            builder.elicitation(spec.formElicitation());
        }
        if (spec.urlElicitation() != null) {
            builder.urlElicitation(spec.urlElicitation());
        }
        if (spec.rootsDeclared()) {
            builder.roots(spec.roots());
        }
        return builder.build();
    }

    private McpClientTransport transport(UpstreamConfig config, UpstreamClientSpec spec, DirectToolCalls direct) {
        return switch (config.transport()) {
            case STREAMABLE_HTTP -> streamable(config, spec, direct);
            case SSE -> sse(config, spec);
            case STDIO -> stdio(config);
        };
    }

    private DirectToolCalls directToolCalls(UpstreamConfig config, UpstreamClientSpec spec) {
        return new DirectToolCalls(
                httpClients.builder().connectTimeout(connectTimeout(config)).build(),
                config.url().orElseThrow(),
                McpJsonDefaults.getMapper(),
                headers(config.headers(), spec),
                connectTimeout(config),
                config.timeout());
    }

    private McpClientTransport streamable(UpstreamConfig config, UpstreamClientSpec spec, DirectToolCalls direct) {
        URI url = config.url().orElseThrow();
        McpSyncHttpClientRequestCustomizer headers = headers(config.headers(), spec);
        return HttpClientStreamableHttpTransport.builder(origin(url))
                .clientBuilder(httpClients.builder())
                .endpoint(pathAndQuery(url))
                .jsonMapper(McpJsonDefaults.getMapper())
                .connectTimeout(connectTimeout(config))
                .httpRequestCustomizer((request, method, uri, body, context) -> {
                    headers.customize(request, method, uri, body, context);
                    // The initialize request goes out before there is a session, with the newest version rather
                    // than the one agreed on: the session is learnt from the requests that follow it.
                    if ("POST".equals(method) && body != null && !body.contains(INITIALIZE_METHOD)) {
                        direct.sdkSends(request.build().headers());
                    }
                })
                .build();
    }

    private McpClientTransport sse(UpstreamConfig config, UpstreamClientSpec spec) {
        URI url = config.url().orElseThrow();
        return HttpClientSseClientTransport.builder(origin(url))
                .clientBuilder(httpClients.builder())
                .sseEndpoint(pathAndQuery(url))
                .jsonMapper(McpJsonDefaults.getMapper())
                .connectTimeout(connectTimeout(config))
                .httpRequestCustomizer(headers(config.headers(), spec))
                .build();
    }

    private McpClientTransport stdio(UpstreamConfig config) {
        ServerParameters params = ServerParameters.builder(config.command().orElseThrow())
                .args(config.args())
                .env(config.env())
                .build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        Logger childLog = LoggerFactory.getLogger("portico.upstream." + config.name());
        transport.setStdErrorHandler(line -> childLog.info("stderr: {}", line));
        return transport;
    }

    /**
     * Static headers from config, then the current credential, on every request; and on a request made while serving
     * a downstream request that carried a W3C trace context, that trace context, unchanged (see {@link TraceContext}).
     */
    private static McpSyncHttpClientRequestCustomizer headers(Map<String, String> headers, UpstreamClientSpec spec) {
        return (request, method, uri, body, context) -> {
            headers.forEach(request::setHeader);
            spec.authorization().get().ifPresent(value -> request.setHeader("Authorization", value));
            TraceContext.of(context).ifPresent(trace -> {
                request.setHeader(TraceContext.TRACEPARENT, trace.traceparent());
                trace.traceState().ifPresent(state -> request.setHeader(TraceContext.TRACESTATE, state));
            });
        };
    }

    private static void watchExit(UpstreamConfig config, StdioClientTransport transport, Sinks.Empty<Void> ended) {
        Thread watcher = new Thread(
                () -> {
                    try {
                        transport.awaitForExit();
                    } catch (RuntimeException interrupted) {
                        return;
                    }
                    log.debug("Upstream '{}': child process exited", config.name());
                    ended.tryEmitEmpty();
                },
                "portico-stdio-exit-" + config.name());
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Duration connectTimeout(UpstreamConfig config) {
        return config.timeout().compareTo(MAX_CONNECT_TIMEOUT) < 0 ? config.timeout() : MAX_CONNECT_TIMEOUT;
    }

    static String origin(URI url) {
        return url.getScheme() + "://" + url.getRawAuthority();
    }

    static String pathAndQuery(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
