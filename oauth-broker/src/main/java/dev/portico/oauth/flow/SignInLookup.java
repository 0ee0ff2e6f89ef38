package dev.portico.oauth.flow;

import java.util.Objects;

/**
 * What a {@link SignInStore} found for a start id or a state. For {@link SignInStore#take(String)}, {@link Found}
 * means the sign-in was removed and the caller is the only one to hold it.
 */
public sealed interface SignInLookup {

    /** The sign-in, still valid. */
    record Found(PendingSignIn signIn) implements SignInLookup {
        public Found {
            Objects.requireNonNull(signIn, "signIn");
        }
    }

    /** The sign-in existed but its time ran out; it says which upstream, for the page. */
    record Expired(PendingSignIn signIn) implements SignInLookup {
        public Expired {
            Objects.requireNonNull(signIn, "signIn");
        }
    }

    /** Nothing under that key: never issued, already used, forgotten with its session, or long expired. */
    record Unknown() implements SignInLookup {}
}
