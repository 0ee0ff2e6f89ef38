package dev.portico.aggregator.auth;

import dev.portico.config.UpstreamConfig;
import dev.portico.transport.upstream.UpstreamFailure;
import java.util.Optional;
import java.util.function.BiConsumer;
import reactor.core.publisher.Mono;

/**
 * What the aggregator needs from the OAuth challenge broker: credentials for an upstream call, and what to do when an
 * upstream refuses a call. The owner is whoever tokens belong to: a downstream session id today, a signed-in user
 * once Portico authenticates its own clients.
 */
public interface SignInBroker {

    /** The {@code Authorization} header value for calls to {@code upstream} on behalf of {@code owner}, if held. */
    Optional<String> authorization(String owner, UpstreamConfig upstream);

    /**
     * Decides what follows a 401 or 403 from {@code upstream}: retry with a token the owner already holds, send the
     * user a sign-in link, or give up with a reason the user can act on. Never fails: every problem becomes a
     * {@link SignInStep.Refused}.
     */
    Mono<SignInStep> onUnauthorized(String owner, UpstreamConfig upstream, UpstreamFailure failure);

    /**
     * {@code upstream} took a call made for {@code owner}: a step-up that gave the token the scopes it asked for is
     * over. Cheap; called after every successful tool call.
     */
    default void callAccepted(String owner, UpstreamConfig upstream) {}

    /** Registers who to tell, with the owner and the upstream's name, when an owner finished a sign-in. */
    void onSignedIn(BiConsumer<String, String> listener);

    /**
     * Registers who to tell, with the owner and the upstream's name, when a sign-in ended without tokens: its link is
     * spent, and the next call must offer a new one.
     */
    void onSignInFailed(BiConsumer<String, String> listener);

    /**
     * Signs the owner out of the issuer of {@code upstream}, or of every issuer when empty: its tokens are dropped
     * and revoked where the authorization server allows. Fails with {@link IllegalArgumentException} for an unknown
     * upstream.
     */
    Mono<SignOut> signOut(String owner, Optional<String> upstream);

    /** The owner is gone (its session closed): forget its tokens and pending sign-ins. */
    void forget(String owner);

    /**
     * The config no longer has {@code upstream}, or changed its settings: forget what was discovered for it (its
     * authorization server and client), so that the new settings apply. Tokens already held stay with their owners.
     */
    void forgetUpstream(String upstream);

    /** A broker for a Portico that cannot run sign-ins: every refusal is final, with {@code reason} shown. */
    static SignInBroker unavailable(String reason) {
        return new SignInBroker() {
            @Override
            public Optional<String> authorization(String owner, UpstreamConfig upstream) {
                return Optional.empty();
            }

            @Override
            public Mono<SignInStep> onUnauthorized(String owner, UpstreamConfig upstream, UpstreamFailure failure) {
                return Mono.just(new SignInStep.Refused(reason));
            }

            @Override
            public void onSignedIn(BiConsumer<String, String> listener) {}

            @Override
            public void onSignInFailed(BiConsumer<String, String> listener) {}

            @Override
            public Mono<SignOut> signOut(String owner, Optional<String> upstream) {
                return Mono.just(SignOut.NOTHING);
            }

            @Override
            public void forget(String owner) {}

            @Override
            public void forgetUpstream(String upstream) {}
        };
    }
}
