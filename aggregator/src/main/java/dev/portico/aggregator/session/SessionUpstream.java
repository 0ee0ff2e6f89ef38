package dev.portico.aggregator.session;

import dev.portico.aggregator.catalog.UpstreamCatalog;
import dev.portico.aggregator.logging.LogFields;
import dev.portico.config.UpstreamConfig;
import dev.portico.transport.upstream.UpstreamClientSpec;
import dev.portico.transport.upstream.UpstreamConnection;
import dev.portico.transport.upstream.UpstreamConnector;
import dev.portico.transport.upstream.UpstreamFailure;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One downstream session's connection to one upstream, and what that upstream announced to it.
 *
 * <p>States: {@code IDLE} until first needed, {@code CONNECTING}, {@code READY}, {@code DOWN} while waiting to
 * retry (capped exponential backoff from the upstream's {@code reconnect} policy), {@code AUTH_REQUIRED} after a 401
 * (or a 403 while connecting) until {@link #reconnectNow()} (after a sign-in), {@code CLOSED} at the end. A 403 to one
 * request of a READY connection refuses that request only: the connection stays READY. A
 * READY connection drops to DOWN when a request fails with a lost connection, a ping goes unanswered, or a stdio
 * child exits; it then reconnects by itself. Every transition that can change what the session sees is reported to
 * the {@link Listener}. Each connection attempt has an epoch, so late results of an abandoned attempt are ignored.
 *
 * <p>Safe for concurrent use.
 */
public final class SessionUpstream implements AutoCloseable {

    public enum State {
        IDLE,
        CONNECTING,
        READY,
        DOWN,
        /** The upstream answered 401 or 403: nothing is retried until the session signs in. */
        AUTH_REQUIRED,
        CLOSED
    }

    /** Told after the upstream's state or announcement changed. Called without locks held. */
    public interface Listener {
        void upstreamChanged(SessionUpstream upstream);
    }

    private static final Logger log = LoggerFactory.getLogger(SessionUpstream.class);

    /** Lists that an upstream fails to produce must not make the whole upstream unusable. */
    private static final Duration LIST_TIMEOUT_FALLBACK = Duration.ofSeconds(30);

    private final UpstreamConfig config;
    private final UpstreamConnector connector;
    private final LongFunction<UpstreamClientSpec.Builder> specForEpoch;
    private final Listener listener;
    private final UpstreamObserver observer;
    private final String logId;
    /** The session and upstream, in the MDC of every line this writes (a call's lines add theirs on top). */
    private final LogFields logFields;

    private final Object lock = new Object();
    private State state = State.IDLE;
    private long epoch;
    private int attempt;
    private UpstreamConnection connection;
    private UpstreamCatalog catalog = UpstreamCatalog.EMPTY;
    private UpstreamFailure failure;
    private Mono<Void> connecting = Mono.empty();
    private Disposable retry;
    private Disposable watchers;
    /** Requests started by {@link #request} that have not ended yet. */
    private int requestsInFlight;
    /** The connection of a {@link #retire() retired} upstream, kept until its last request in flight ends. */
    private UpstreamConnection retiredConnection;

    /**
     * @param specForEpoch builds the client spec for a connection attempt; this class adds the list-change hooks
     * @param observer told of connection outcomes and reconnects, for metrics
     * @param logId the owning session's truncated id, for log lines
     */
    public SessionUpstream(
            UpstreamConfig config,
            UpstreamConnector connector,
            LongFunction<UpstreamClientSpec.Builder> specForEpoch,
            Listener listener,
            UpstreamObserver observer,
            String logId) {
        this.config = config;
        this.connector = connector;
        this.specForEpoch = specForEpoch;
        this.listener = listener;
        this.observer = observer;
        this.logId = logId;
        this.logFields = new LogFields(null, logId, config.name(), null, null);
    }

    public UpstreamConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** What the upstream announced; empty unless READY. */
    public UpstreamCatalog catalog() {
        synchronized (lock) {
            return state == State.READY ? catalog : UpstreamCatalog.EMPTY;
        }
    }

    /** Why it is not READY, when it failed. */
    public Optional<UpstreamFailure> failure() {
        synchronized (lock) {
            return Optional.ofNullable(failure);
        }
    }

    /** Capabilities of the connected upstream, when READY. */
    public Optional<McpSchema.ServerCapabilities> serverCapabilities() {
        synchronized (lock) {
            return state == State.READY ? Optional.of(connection.serverCapabilities()) : Optional.empty();
        }
    }

    /**
     * Connects if this has not been tried yet and completes when the first attempt is decided. Never fails: a
     * failed attempt leaves the upstream DOWN with its {@link #failure()} and a retry scheduled.
     */
    public Mono<Void> ensureConnected() {
        synchronized (lock) {
            if (state == State.IDLE) {
                startConnecting();
            }
            return state == State.CONNECTING ? connecting : Mono.empty();
        }
    }

    /**
     * Runs a request on the current connection. Fails with {@link UpstreamCallException} when the upstream is not
     * READY or the request fails; a failure that means the connection is gone also starts a reconnect.
     */
    public <T> Mono<T> request(Function<UpstreamConnection, Mono<T>> call) {
        return Mono.deferContextual(context -> {
            UpstreamConnection current;
            long currentEpoch;
            synchronized (lock) {
                if (state != State.READY) {
                    return Mono.error(new UpstreamCallException(unavailable(), null));
                }
                current = connection;
                currentEpoch = epoch;
                requestsInFlight++;
            }
            return call.apply(current)
                    .onErrorMap(e -> !(e instanceof UpstreamCallException), e -> {
                        UpstreamFailure f = UpstreamFailure.of(config, e);
                        // A 403 refuses one request (a step-up may follow); a 401 refuses the token, and every
                        // request with it.
                        if (f.connectionLost()
                                || f.kind() == UpstreamFailure.Kind.UNAUTHORIZED && !f.refusesThisRequestOnly()) {
                            // Logged for the request that found out, on whatever thread its failure arrived.
                            LogFields.of(context).run(() -> connectionLost(currentEpoch, f));
                        }
                        return new UpstreamCallException(f, e);
                    })
                    .doFinally(signal -> requestEnded());
        });
    }

    private void requestEnded() {
        UpstreamConnection idle = null;
        synchronized (lock) {
            requestsInFlight--;
            if (requestsInFlight == 0 && retiredConnection != null) {
                idle = retiredConnection;
                retiredConnection = null;
            }
        }
        if (idle != null) {
            log.debug("Upstream '{}' (session {}): last request on the retired connection ended", name(), logId);
            closeInBackground(idle);
        }
    }

    /** Runs {@code action} on the connection if READY; for fire-and-forget updates such as roots. */
    public void ifReady(Function<UpstreamConnection, Mono<?>> action) {
        UpstreamConnection current;
        synchronized (lock) {
            if (state != State.READY) {
                return;
            }
            current = connection;
        }
        action.apply(current)
                .subscribe(
                        ok -> {},
                        e -> logFields.run(() -> log.debug(
                                "Upstream '{}' (session {}): update failed: {}", name(), logId, e.getMessage())));
    }

    private UpstreamFailure unavailable() {
        return switch (state) {
            case DOWN, AUTH_REQUIRED -> failure != null
                    ? failure
                    : UpstreamFailure.unreachable(config, "not connected");
            case IDLE, CONNECTING -> UpstreamFailure.unreachable(config, "still connecting");
            default -> UpstreamFailure.unreachable(config, "the session is closing");
        };
    }

    /**
     * Reconnects at once, whatever the backoff says: after a sign-in, or when the user asks. Completes when that
     * attempt is decided; does nothing when READY, CONNECTING or CLOSED.
     */
    public Mono<Void> reconnectNow() {
        synchronized (lock) {
            if (state == State.DOWN || state == State.AUTH_REQUIRED || state == State.IDLE) {
                if (retry != null) {
                    retry.dispose();
                }
                attempt = 0;
                startConnecting();
            }
            return state == State.CONNECTING ? connecting : Mono.empty();
        }
    }

    /**
     * Drops the connection and connects again at once with whatever credentials the session holds now: after a
     * sign-out, so that the upstream session that knew the user ends and the tools shown follow what the upstream
     * allows without the token. Completes when the new attempt is decided; does nothing when CLOSED.
     */
    public Mono<Void> restart() {
        UpstreamConnection dropped;
        Mono<Void> next;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return Mono.empty();
            }
            if (retry != null) {
                retry.dispose();
            }
            disposeWatchers();
            dropped = connection;
            connection = null;
            attempt = 0;
            startConnecting();
            next = connecting;
        }
        if (dropped != null) {
            closeInBackground(dropped);
        }
        listener.upstreamChanged(this);
        return next;
    }

    // Called with the lock held.
    private void startConnecting() {
        long myEpoch = ++epoch;
        state = State.CONNECTING;
        if (myEpoch > 1) {
            observer.reconnecting(name());
        }
        UpstreamClientSpec spec = specForEpoch
                .apply(myEpoch)
                .onToolsChanged(tools -> updateCatalog(myEpoch, c -> c.withTools(tools)))
                .onPromptsChanged(prompts -> updateCatalog(myEpoch, c -> c.withPrompts(prompts)))
                .onResourcesChanged(resources -> refreshResources(myEpoch, resources))
                .build();
        Mono<Void> attemptMono = connector
                .connect(config, spec)
                .flatMap(conn -> fetchCatalog(conn)
                        .doOnError(e -> conn.close())
                        .doOnNext(fetched -> connected(myEpoch, conn, fetched)))
                .doOnError(e -> connectFailed(myEpoch, e))
                .then()
                .onErrorResume(e -> Mono.empty())
                .cache();
        connecting = attemptMono;
        attemptMono.subscribe();
    }

    private Mono<UpstreamCatalog> fetchCatalog(UpstreamConnection conn) {
        McpSchema.ServerCapabilities caps = conn.serverCapabilities();
        McpAsyncClient client = conn.client();
        Mono<List<McpSchema.Tool>> tools =
                caps.tools() == null ? Mono.just(List.of()) : client.listTools().map(McpSchema.ListToolsResult::tools);
        Mono<List<McpSchema.Resource>> resources = caps.resources() == null
                ? Mono.just(List.of())
                : optionalList(client.listResources().map(McpSchema.ListResourcesResult::resources), "resources");
        Mono<List<McpSchema.ResourceTemplate>> templates = caps.resources() == null
                ? Mono.just(List.of())
                : optionalList(
                        client.listResourceTemplates().map(McpSchema.ListResourceTemplatesResult::resourceTemplates),
                        "resource templates");
        Mono<List<McpSchema.Prompt>> prompts = caps.prompts() == null
                ? Mono.just(List.of())
                : optionalList(client.listPrompts().map(McpSchema.ListPromptsResult::prompts), "prompts");
        return Mono.zip(tools, resources, templates, prompts)
                .map(t -> new UpstreamCatalog(t.getT1(), t.getT2(), t.getT3(), t.getT4()));
    }

    /**
     * Tools are the point of an upstream, so failing to list them fails the connection; a server that announces
     * resources or prompts but fails to list them just shows none.
     */
    private <T> Mono<List<T>> optionalList(Mono<List<T>> list, String what) {
        return list.timeout(
                        LIST_TIMEOUT_FALLBACK.compareTo(config.timeout()) < 0
                                ? config.timeout()
                                : LIST_TIMEOUT_FALLBACK)
                .onErrorResume(e -> {
                    logFields.run(() -> log.warn(
                            "Upstream '{}' announced {} but listing them failed: {}", name(), what, e.getMessage()));
                    return Mono.just(List.of());
                });
    }

    private void connected(long myEpoch, UpstreamConnection conn, UpstreamCatalog fetched) {
        boolean recovered;
        synchronized (lock) {
            if (myEpoch != epoch || state != State.CONNECTING) {
                conn.close();
                return;
            }
            recovered = attempt > 0;
            state = State.READY;
            attempt = 0;
            failure = null;
            connection = conn;
            catalog = fetched;
            watchers = watch(myEpoch, conn);
        }
        observer.answered(name(), true);
        logFields.run(() -> {
            if (recovered) {
                log.info("Upstream '{}' is back for session {}", name(), logId);
            } else {
                log.debug("Upstream '{}' connected for session {}", name(), logId);
            }
        });
        listener.upstreamChanged(this);
    }

    private void connectFailed(long myEpoch, Throwable error) {
        UpstreamFailure f = UpstreamFailure.of(config, error);
        Duration delay;
        synchronized (lock) {
            if (myEpoch != epoch || state != State.CONNECTING) {
                return;
            }
            delay = afterFailure(f);
        }
        observer.answered(name(), answers(f));
        logFields.run(() -> {
            if (delay == null) {
                log.info("{} (session {}); waiting for sign-in", f.message(), logId);
            } else if (attemptNumber() <= 1) {
                log.warn("{} (session {}); retrying in {}", f.message(), logId, delay);
            } else {
                log.debug("{} (session {}); retrying in {}", f.message(), logId, delay);
            }
        });
        listener.upstreamChanged(this);
    }

    private int attemptNumber() {
        synchronized (lock) {
            return attempt;
        }
    }

    private void connectionLost(long lostEpoch, UpstreamFailure f) {
        UpstreamConnection lost;
        Duration delay;
        synchronized (lock) {
            if (lostEpoch != epoch || state != State.READY) {
                return;
            }
            lost = connection;
            connection = null;
            disposeWatchers();
            delay = afterFailure(f);
        }
        observer.answered(name(), answers(f));
        logFields.run(() -> {
            if (delay == null) {
                log.info("{} (session {}); its tools are withdrawn until the session signs in", f.message(), logId);
            } else {
                log.warn("{} (session {}); its tools are withdrawn, reconnecting in {}", f.message(), logId, delay);
            }
        });
        closeInBackground(lost);
        listener.upstreamChanged(this);
    }

    /** Whether the upstream answered, though not as hoped: a refusal or a JSON-RPC error is an answer. */
    private static boolean answers(UpstreamFailure f) {
        return f.kind() == UpstreamFailure.Kind.UNAUTHORIZED || f.kind() == UpstreamFailure.Kind.PROTOCOL_ERROR;
    }

    // Called with the lock held.
    /**
     * Moves to the state that follows {@code f}, with the lock held: {@code AUTH_REQUIRED} (no retry: only a sign-in
     * helps) after a refusal, else {@code DOWN} with a retry scheduled.
     *
     * @return the delay before the retry, or null when none is scheduled
     */
    private Duration afterFailure(UpstreamFailure f) {
        if (f.kind() == UpstreamFailure.Kind.UNAUTHORIZED) {
            state = State.AUTH_REQUIRED;
            failure = f;
            return null;
        }
        return scheduleRetry(f);
    }

    private Duration scheduleRetry(UpstreamFailure f) {
        state = State.DOWN;
        failure = f;
        attempt++;
        Duration delay = config.reconnect().delayBefore(attempt);
        long retryEpoch = epoch;
        retry = Mono.delay(delay).subscribe(tick -> {
            synchronized (lock) {
                if (state == State.DOWN && epoch == retryEpoch) {
                    startConnecting();
                }
            }
        });
        return delay;
    }

    /** Pings an idle connection and watches a stdio child, so a dead upstream is noticed without a call. */
    private Disposable watch(long myEpoch, UpstreamConnection conn) {
        Disposable ended = conn.ended()
                .subscribe(
                        null,
                        e -> {},
                        () -> connectionLost(myEpoch, UpstreamFailure.unreachable(config, "the process exited")));
        if (config.pingInterval().isZero()) {
            return ended;
        }
        Disposable pings = Flux.interval(config.pingInterval())
                .concatMap(tick -> conn.client().ping().timeout(config.timeout()))
                .subscribe(ok -> {}, e -> connectionLost(myEpoch, UpstreamFailure.of(config, e)));
        return reactor.core.Disposables.composite(ended, pings);
    }

    // Called with the lock held.
    private void disposeWatchers() {
        if (watchers != null) {
            watchers.dispose();
            watchers = null;
        }
    }

    private void updateCatalog(long myEpoch, Function<UpstreamCatalog, UpstreamCatalog> change) {
        synchronized (lock) {
            if (myEpoch != epoch || state != State.READY) {
                return;
            }
            catalog = change.apply(catalog);
        }
        listener.upstreamChanged(this);
    }

    /** The SDK hands over the new resource list only; templates may have changed with it. */
    private void refreshResources(long myEpoch, List<McpSchema.Resource> resources) {
        request(conn -> conn.client().listResourceTemplates())
                .map(McpSchema.ListResourceTemplatesResult::resourceTemplates)
                .onErrorResume(e -> Mono.just(catalog().resourceTemplates()))
                .subscribe(templates -> updateCatalog(myEpoch, c -> c.withResources(resources, templates)));
    }

    /**
     * Ends this connection because the config no longer has it as it is (the upstream was removed or its settings
     * changed): it takes no new requests and reports no more changes at once, while requests already in flight on it
     * finish (each within the upstream's {@code timeout}); the connection closes when the last one ends.
     */
    public void retire() {
        UpstreamConnection toClose = stop();
        if (toClose == null) {
            return;
        }
        synchronized (lock) {
            if (requestsInFlight > 0) {
                retiredConnection = toClose;
                return;
            }
        }
        closeInBackground(toClose);
    }

    /** Closes the connection now; requests in flight on it fail. */
    @Override
    public void close() {
        UpstreamConnection toClose = stop();
        if (toClose != null) {
            toClose.close();
        }
    }

    /** Moves to CLOSED; returns the connection to close, if there was one. */
    private UpstreamConnection stop() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return null;
            }
            state = State.CLOSED;
            epoch++;
            if (retry != null) {
                retry.dispose();
            }
            disposeWatchers();
            UpstreamConnection current = connection;
            connection = null;
            return current;
        }
    }

    private static void closeInBackground(UpstreamConnection connection) {
        // Closing may block (a stdio child is given time to exit); callers hold no lock but may be on an event loop.
        Mono.fromRunnable(connection::close)
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .subscribe();
    }
}
