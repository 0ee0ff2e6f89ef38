package dev.portico.oauth.token;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tokens Portico holds on behalf of owners (downstream sessions or principals), keyed by {@link TokenKey}.
 *
 * <p>Implementations are safe for concurrent use, bounded, and never show a token in {@code toString()} or in an
 * exception. One owner never sees another's tokens: every method takes the owner.
 */
public interface TokenStore {

    /** Stores {@code tokens} for {@code owner}, replacing whatever was held under the same {@link TokenKey}. */
    void put(String owner, TokenSet tokens);

    /**
     * The owner's token sets from {@code issuer} whose scopes include all of {@code requiredScopes}, most recently
     * stored first. Expired sets are included: one with a refresh token can still be renewed.
     */
    List<TokenSet> find(String owner, String issuer, Set<String> requiredScopes);

    /**
     * Drops {@code tokens} if they are still what is held under their key, so that a set refreshed meanwhile by
     * another thread survives.
     */
    void remove(String owner, TokenSet tokens);

    /** The issuers {@code owner} holds token sets from. */
    Set<String> issuers(String owner);

    /** Drops the owner's token sets from {@code issuer} and returns them (to revoke them): the owner signed out. */
    List<TokenSet> removeIssuer(String owner, String issuer);

    /** Drops everything held for {@code owner}: its session ended. */
    void forget(String owner);

    /**
     * Renews {@code stale} under a lock that every user of the store honours, every replica of a shared store
     * included, so that of many concurrent renewals of one set exactly one calls the token endpoint and spends the
     * refresh token:
     *
     * <ol>
     *   <li>takes the lock of {@code stale}'s {@link TokenKey} (waiting for a renewal in progress);
     *   <li>reads what is held under that key again;
     *   <li>if nothing is held any more, answers empty without calling {@code renewal};
     *   <li>if something other than {@code stale} is held (another thread or replica renewed it meanwhile), answers
     *       that without calling {@code renewal};
     *   <li>else calls {@code renewal} with the held set, stores its result as {@link #put} would (under the
     *       result's own key, which may differ from the stale one) and answers the result.
     * </ol>
     *
     * <p>The lock is held while {@code renewal} runs (a network request): a renewal takes a few seconds at most, and
     * only other renewals of the same set wait for it. When {@code renewal} throws, nothing is stored and the
     * exception reaches the caller.
     *
     * @return what is held under {@code stale}'s key afterwards, or the renewal's result; empty when the set is gone
     */
    Optional<TokenSet> renew(String owner, TokenSet stale, Renewal renewal) throws TokenRequestException;

    /** One renewal of a token set: a refresh request, typically. */
    @FunctionalInterface
    interface Renewal {
        /** The set that replaces {@code current}; called under the store's lock for that set. */
        TokenSet renew(TokenSet current) throws TokenRequestException;
    }
}
