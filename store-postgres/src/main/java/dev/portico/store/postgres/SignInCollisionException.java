package dev.portico.store.postgres;

/**
 * A sign-in was stored under a state or start id that another sign-in already has. Both are 256-bit random values,
 * so this means a broken random source or a replayed sign-in: the second one fails rather than overwrite the first.
 */
public final class SignInCollisionException extends IllegalStateException {

    SignInCollisionException() {
        super("A sign-in with the same state or start id is already stored; refusing to overwrite it");
    }
}
