package dev.portico.transport.upstream;

import dev.portico.config.UpstreamConfig;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One initialized MCP client connection to one upstream.
 *
 * <p>{@link #ended()} completes when the connection is known to be gone without anyone closing it (today: a stdio
 * child exited), so the owner can reconnect without waiting for a failed call. Safe for concurrent use; closing twice
 * is harmless.
 */
public final class UpstreamConnection implements AutoCloseable {

    private final UpstreamConfig config;
    private final McpAsyncClient client;
    private final CancellableTransport transport;
    /** Null for upstreams that are not streamable HTTP. */
    private final DirectToolCalls direct;

    private final McpSchema.InitializeResult initializeResult;
    private final Sinks.Empty<Void> ended;

    UpstreamConnection(
            UpstreamConfig config,
            McpAsyncClient client,
            CancellableTransport transport,
            DirectToolCalls direct,
            McpSchema.InitializeResult initializeResult,
            Sinks.Empty<Void> ended) {
        this.config = Objects.requireNonNull(config);
        this.client = Objects.requireNonNull(client);
        this.transport = Objects.requireNonNull(transport);
        this.direct = direct;
        this.initializeResult = Objects.requireNonNull(initializeResult);
        this.ended = Objects.requireNonNull(ended);
    }

    public UpstreamConfig config() {
        return config;
    }

    /** The SDK client, initialized. */
    public McpAsyncClient client() {
        return client;
    }

    public McpSchema.ServerCapabilities serverCapabilities() {
        McpSchema.ServerCapabilities caps = initializeResult.capabilities();
        return caps != null ? caps : McpSchema.ServerCapabilities.builder().build();
    }

    public McpSchema.Implementation serverInfo() {
        return initializeResult.serverInfo();
    }

    /**
     * Calls a tool; when {@code cancel} completes first, the call is abandoned and the upstream is sent {@code
     * notifications/cancelled} for it. An abandoned call completes empty.
     */
    public Mono<McpSchema.CallToolResult> callTool(McpSchema.CallToolRequest request, Mono<String> cancel) {
        if (direct == null || !direct.ready()) {
            return callThroughSdk(request, cancel);
        }
        return Mono.defer(() -> {
                    String id = direct.newId();
                    return cancellable(
                            direct.call(id, request).timeout(config.timeout()),
                            cancel,
                            reason -> transport.cancelRequest(id, reason));
                })
                // Refused unread (a credential, a session the upstream forgot): the SDK sends it again and reports
                // the refusal, or renews the session, as it does for every other request.
                .onErrorResume(DirectToolCalls.NotSent.class, e -> callThroughSdk(request, cancel));
    }

    private Mono<McpSchema.CallToolResult> callThroughSdk(McpSchema.CallToolRequest request, Mono<String> cancel) {
        return Mono.defer(() -> {
            transport.watch(request);
            return cancellable(client.callTool(request), cancel, reason -> transport.cancel(request, reason))
                    .doFinally(signal -> transport.forget(request));
        });
    }

    /**
     * {@code call}, abandoned when {@code cancel} completes first. Either way the upstream is told with {@code
     * cancelUpstream}: on a cancel with its reason, and on a timeout, because the side that gives up leaves the
     * upstream working unless it sends {@code notifications/cancelled} (MCP basic/utilities/cancellation).
     */
    private static Mono<McpSchema.CallToolResult> cancellable(
            Mono<McpSchema.CallToolResult> call, Mono<String> cancel, Function<String, Mono<Void>> cancelUpstream) {
        return call.takeUntilOther(cancel.flatMap(
                        reason -> cancelUpstream.apply(reason).onErrorComplete().thenReturn(reason)))
                .onErrorResume(
                        UpstreamConnection::isTimeout,
                        e -> cancelUpstream.apply("timed out").onErrorComplete().then(Mono.error(e)));
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Completes when the upstream went away by itself (a stdio child exited). */
    public Mono<Void> ended() {
        return ended.asMono();
    }

    /** Replaces the roots this client reports and tells the upstream they changed. */
    public Mono<Void> replaceRoots(List<McpSchema.Root> previous, List<McpSchema.Root> next) {
        return reactor.core.publisher.Flux.fromIterable(previous)
                .concatMap(root -> client.removeRoot(root.uri()).onErrorComplete())
                .thenMany(reactor.core.publisher.Flux.fromIterable(next)
                        .concatMap(root -> client.addRoot(root).onErrorComplete()))
                .then(client.rootsListChangedNotification());
    }

    @Override
    public void close() {
        try {
            client.closeGracefully().block(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            client.close();
        }
    }
}
