package dev.portico.oauth.token;

import java.util.List;
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
}
