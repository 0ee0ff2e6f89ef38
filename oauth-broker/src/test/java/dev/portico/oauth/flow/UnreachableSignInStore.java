package dev.portico.oauth.flow;

import dev.portico.oauth.storage.StorageUnavailableException;

/** A shared sign-in store whose database is down: every call fails as a real one would. */
public final class UnreachableSignInStore implements SignInStore {

    private static StorageUnavailableException down() {
        return new StorageUnavailableException("PostgreSQL storage: storing a sign-in failed (SQLState 08001)");
    }

    @Override
    public void put(PendingSignIn signIn) {
        throw down();
    }

    @Override
    public SignInLookup findByStartId(String startId) {
        throw down();
    }

    @Override
    public BindOutcome bindBrowser(String startId, String bindingHash) {
        throw down();
    }

    @Override
    public SignInLookup take(String state) {
        throw down();
    }

    @Override
    public void forget(String owner) {
        throw down();
    }

    @Override
    public void forget(String owner, String upstream) {
        throw down();
    }
}
