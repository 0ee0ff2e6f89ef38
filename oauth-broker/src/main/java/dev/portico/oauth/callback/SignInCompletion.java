package dev.portico.oauth.callback;

import dev.portico.config.Secret;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.token.TokenRequestException;

/**
 * What the callback hands a verified authorization code to: exchange it, keep the tokens for the sign-in's owner, and
 * tell whoever waits for the sign-in. The broker implements it.
 */
@FunctionalInterface
public interface SignInCompletion {

    /**
     * Finishes {@code signIn} with {@code code}. Called at most once per sign-in, after the state, the browser
     * binding and the issuer were checked.
     *
     * @throws TokenRequestException if the token endpoint gave no tokens
     */
    void complete(PendingSignIn signIn, Secret code) throws TokenRequestException;

    /**
     * {@code signIn} ended at the callback without tokens: refused, expired, or failed at the token endpoint. Its
     * state is spent, so its link can only show an error from now on.
     */
    default void failed(PendingSignIn signIn) {}
}
