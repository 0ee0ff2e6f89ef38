package dev.portico.aggregator.auth;

import dev.portico.aggregator.logging.LogFields;
import dev.portico.config.UpstreamConfig;
import dev.portico.oauth.OAuthBroker;
import dev.portico.oauth.ProtectedUpstream;
import dev.portico.oauth.SignInOutcome;
import dev.portico.transport.upstream.UpstreamFailure;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The aggregator's view of the {@link OAuthBroker}: turns an upstream's refusal into a {@link SignInStep} and the
 * broker's sign-in link into what an MCP client is shown.
 */
public final class OAuthSignInBroker implements SignInBroker {

    private final OAuthBroker broker;

    public OAuthSignInBroker(OAuthBroker broker) {
        this.broker = broker;
    }

    @Override
    public Optional<String> authorization(String owner, UpstreamConfig upstream) {
        return protectedUpstream(upstream)
                .flatMap(p -> broker.accessToken(owner, p))
                .map(token -> "Bearer " + token.reveal());
    }

    @Override
    public Mono<SignInStep> onUnauthorized(String owner, UpstreamConfig upstream, UpstreamFailure failure) {
        Optional<ProtectedUpstream> target = protectedUpstream(upstream);
        if (target.isEmpty()) {
            return Mono.just(new SignInStep.Refused("it is not reached over HTTP, so it cannot ask for a sign-in"));
        }
        List<String> headers = failure.wwwAuthenticate().map(List::of).orElse(List.of());
        // Discovery and registration are blocking network calls. What the broker logs belongs to the request.
        return Mono.deferContextual(context -> Mono.fromCallable(() -> LogFields.of(context)
                                .get(() -> broker.onUnauthorized(owner, target.get(), failure.status(), headers)))
                        .subscribeOn(Schedulers.boundedElastic()))
                .map(outcome -> step(upstream, outcome, failure.refusesThisRequestOnly()));
    }

    @Override
    public void callAccepted(String owner, UpstreamConfig upstream) {
        broker.callAccepted(owner, upstream.name());
    }

    @Override
    public void onSignedIn(BiConsumer<String, String> listener) {
        broker.addListener(signedIn -> listener.accept(signedIn.owner(), signedIn.upstream()));
    }

    @Override
    public void onSignInFailed(BiConsumer<String, String> listener) {
        broker.addFailureListener(failed -> listener.accept(failed.owner(), failed.upstream()));
    }

    @Override
    public Mono<SignOut> signOut(String owner, Optional<String> upstream) {
        // Revocation requests are blocking network calls.
        return Mono.deferContextual(context -> Mono.fromCallable(
                                () -> LogFields.of(context).get(() -> broker.signOut(owner, upstream)))
                        .subscribeOn(Schedulers.boundedElastic()))
                .map(result -> new SignOut(result.issuers(), result.upstreams(), result.problems()));
    }

    @Override
    public void forget(String owner) {
        broker.forget(owner);
    }

    @Override
    public void forgetUpstream(String upstream) {
        broker.forgetUpstream(upstream);
    }

    /** @param stepUp whether the upstream asked for more scopes (403) rather than for a token (401) */
    private static SignInStep step(UpstreamConfig upstream, SignInOutcome outcome, boolean stepUp) {
        if (outcome instanceof SignInOutcome.SignInRequired) {
            SignInOutcome.SignInRequired required = (SignInOutcome.SignInRequired) outcome;
            // A token exchange upstream sends the user to sign in at its subject upstream, whose token serves both.
            String message;
            if (stepUp) {
                message = "Server '" + upstream.name() + "' needs more access (scopes: "
                        + String.join(" ", required.scopes()) + "): sign in again to grant it.";
            } else if (required.upstream().equals(upstream.name())) {
                message = "Server '" + upstream.name() + "' needs you to sign in.";
            } else {
                message = "Server '" + upstream.name() + "' needs you to sign in to '" + required.upstream() + "'.";
            }
            return new SignInStep.Challenge(new AuthChallenge(
                    upstream.name(), required.startUrl(), message, required.expiresAt(), required.flowId()));
        }
        if (outcome instanceof SignInOutcome.Failed) {
            SignInOutcome.Failed failed = (SignInOutcome.Failed) outcome;
            return new SignInStep.Refused(failed.reason(), failed.temporary());
        }
        return new SignInStep.Retry();
    }

    private static Optional<ProtectedUpstream> protectedUpstream(UpstreamConfig upstream) {
        return upstream.transport().isHttp()
                ? upstream.url().map(url -> new ProtectedUpstream(upstream.name(), url, upstream.authOrDefaults()))
                : Optional.empty();
    }
}
