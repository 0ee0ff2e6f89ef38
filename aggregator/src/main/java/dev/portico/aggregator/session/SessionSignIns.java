package dev.portico.aggregator.session;

import dev.portico.aggregator.auth.SignInBroker;
import dev.portico.aggregator.auth.SignInStep;
import dev.portico.oauth.flow.OpaqueValues;
import dev.portico.transport.upstream.UpstreamFailure;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The sign-ins of one downstream session: one pending step per upstream that asked for sign-in, shared by the
 * sign-in tool, the tool call that hit the 401 and the status tool, so that one refusal starts one flow, not three.
 *
 * <p>A step is asked for as soon as an upstream enters {@code AUTH_REQUIRED}, so that a session that already holds
 * a token for the upstream's issuer (signed in through another upstream) reconnects without the user noticing.
 */
final class SessionSignIns {

    private static final Logger log = LoggerFactory.getLogger(SessionSignIns.class);

    /**
     * How many times in a row an upstream may refuse a token the broker offered before the user is asked to sign
     * in: a token that fits the issuer but not this upstream must not make Portico reconnect forever.
     */
    private static final int MAX_SILENT_RETRIES = 1;

    private final String owner;
    private final String logId;
    private final SignInBroker broker;
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /**
     * @param credential a fingerprint of the credential held for the upstream when the step was asked for, so that a
     *     token stored later (by a callback another replica served) can be told from one the upstream refused
     */
    private record Pending(Mono<SignInStep> step, int silentRetries, Optional<String> credential) {}

    SessionSignIns(String owner, String logId, SignInBroker broker, Clock clock) {
        this.owner = owner;
        this.logId = logId;
        this.broker = broker;
        this.clock = clock;
    }

    /** The upstream just entered {@code AUTH_REQUIRED}: work out the next step now. */
    void authRequired(SessionUpstream upstream) {
        Pending previous = pending.get(upstream.name());
        int retries = previous == null ? 0 : previous.silentRetries();
        Pending next = pending(upstream, retries);
        pending.put(upstream.name(), next);
        next.step().subscribe(step -> {
            if (step instanceof SignInStep.Retry && upstream.state() == SessionUpstream.State.AUTH_REQUIRED) {
                log.info("Session {}: reusing the session's sign-in for {}", logId, upstream.name());
                pending.put(upstream.name(), new Pending(next.step(), retries + 1, next.credential()));
                upstream.reconnectNow().subscribe();
            }
        });
    }

    /** The upstream is connected again: its pending sign-in is over. */
    void connected(SessionUpstream upstream) {
        pending.remove(upstream.name());
    }

    /**
     * The step for an upstream that refused a call: the pending one while its link is still valid, else a new
     * one.
     */
    Mono<SignInStep> step(SessionUpstream upstream) {
        Pending current = pending.get(upstream.name());
        if (current == null) {
            current = pending(upstream, 0);
            pending.put(upstream.name(), current);
        }
        Pending used = current;
        return used.step().flatMap(step -> {
            if (step instanceof SignInStep.Challenge
                    && ((SignInStep.Challenge) step).challenge().expired(clock.instant())) {
                Pending renewed = pending(upstream, used.silentRetries());
                pending.put(upstream.name(), renewed);
                return renewed.step();
            }
            if (step instanceof SignInStep.Refused && ((SignInStep.Refused) step).temporary()) {
                // Worth asking again at the next call, once the cause (storage down) may be gone.
                pending.remove(upstream.name(), used);
                return Mono.just(step);
            }
            if (step instanceof SignInStep.Challenge && signedInElsewhere(upstream, used)) {
                log.info("Session {}: a sign-in for {} finished on another replica", logId, upstream.name());
                pending.remove(upstream.name(), used);
                return Mono.just(new SignInStep.Retry());
            }
            return Mono.just(step);
        });
    }

    /**
     * Whether the upstream waits for a sign-in that has meanwhile finished on another replica (whose callback this
     * replica did not serve, so it heard nothing of it).
     */
    boolean signedInElsewhere(SessionUpstream upstream) {
        Pending current = pending.get(upstream.name());
        return current != null && signedInElsewhere(upstream, current);
    }

    /**
     * Whether a credential for the upstream is held now that was not when the challenge was made: the user signed in
     * through a callback this replica did not serve, so it heard nothing of it.
     */
    private boolean signedInElsewhere(SessionUpstream upstream, Pending challenged) {
        Optional<String> now = credential(upstream);
        return now.isPresent() && !now.equals(challenged.credential());
    }

    private Pending pending(SessionUpstream upstream, int silentRetries) {
        Optional<String> credential = credential(upstream);
        return new Pending(ask(upstream, silentRetries), silentRetries, credential);
    }

    /** A SHA-256 fingerprint of the {@code Authorization} value held for the upstream, never the value itself. */
    private Optional<String> credential(SessionUpstream upstream) {
        return broker.authorization(owner, upstream.config()).map(OpaqueValues::sha256);
    }

    /**
     * The pending link is of no more use: the sign-in behind it failed, or the session signed out of the
     * upstream's issuer. The next refusal starts a new one.
     */
    void forgetPending(SessionUpstream upstream) {
        pending.remove(upstream.name());
    }

    /**
     * The connected upstream refused one request with {@code failure} (a 403): the broker decides on a step-up. Not
     * shared with other calls: the broker counts the step-ups and replaces an unfinished one.
     */
    Mono<SignInStep> stepUp(SessionUpstream upstream, UpstreamFailure failure) {
        return broker.onUnauthorized(owner, upstream.config(), failure);
    }

    /** The pending challenge's state, for the status tool, without starting anything. */
    Optional<Mono<SignInStep>> peek(String upstreamName) {
        return Optional.ofNullable(pending.get(upstreamName)).map(Pending::step);
    }

    private Mono<SignInStep> ask(SessionUpstream upstream, int silentRetries) {
        UpstreamFailure failure = upstream.failure()
                .filter(f -> f.kind() == UpstreamFailure.Kind.UNAUTHORIZED)
                .orElseGet(() -> UpstreamFailure.unreachable(upstream.config(), "sign-in requested"));
        return broker.onUnauthorized(owner, upstream.config(), failure)
                .map(step -> step instanceof SignInStep.Retry && silentRetries >= MAX_SILENT_RETRIES
                        ? new SignInStep.Refused("the token held for " + upstream.name()
                                + " was refused again; sign out and sign in again")
                        : step)
                .cache();
    }
}
