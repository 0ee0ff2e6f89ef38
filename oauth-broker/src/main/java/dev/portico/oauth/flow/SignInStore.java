package dev.portico.oauth.flow;

/**
 * Where started sign-ins wait for the browser to come back. The contract a shared (database) implementation must
 * also keep:
 *
 * <ul>
 *   <li>{@link #take(String)} is atomic: of many concurrent takes of one state, exactly one gets {@link
 *       SignInLookup.Found}; the state can never be used again;
 *   <li>an expired sign-in is never {@code Found}, by start id or by state;
 *   <li>{@link #bindBrowser(String, String)} is atomic, and the first browser wins;
 *   <li>entries are bounded in number and in time.
 * </ul>
 *
 * <p>Implementations are safe for concurrent use, and never show a state or verifier in {@code toString()} or in an
 * exception.
 */
public interface SignInStore {

    /** Keeps a new sign-in until it is taken, forgotten or expired. */
    void put(PendingSignIn signIn);

    /** The sign-in whose start link has this id; it stays in the store. */
    SignInLookup findByStartId(String startId);

    /**
     * Binds the sign-in to the browser whose cookie hashes to {@code bindingHash}, unless another browser was
     * first.
     */
    BindOutcome bindBrowser(String startId, String bindingHash);

    /** Removes and returns the sign-in with this state: the callback's single use. An expired one is removed too. */
    SignInLookup take(String state);

    /** Drops every sign-in of {@code owner}: its session ended, so a late callback finds nothing. */
    void forget(String owner);

    /** Drops the sign-ins {@code owner} started for {@code upstream}: the owner signed out of it. */
    void forget(String owner, String upstream);
}
