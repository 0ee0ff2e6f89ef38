package dev.portico.aggregator.auth;

/** What follows an upstream's 401 or 403 for one owner. */
public sealed interface SignInStep {

    /** The owner already holds a token that fits (one sign-in serves every upstream of an issuer): reconnect. */
    record Retry() implements SignInStep {}

    /** The user must sign in: show them this. */
    record Challenge(AuthChallenge challenge) implements SignInStep {}

    /**
     * No sign-in can help (no authorization server found, no PKCE, ...): the reason is fit for the user. A
     * {@code temporary} refusal (sign-in storage unreachable) is not kept: the next call asks again.
     */
    record Refused(String reason, boolean temporary) implements SignInStep {

        /** A refusal that asking again will not change. */
        public Refused(String reason) {
            this(reason, false);
        }
    }
}
