package dev.portico.oauth.token;

import dev.portico.oauth.storage.EntryCount;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link TokenStore} in the heap of one process: tokens are lost on restart and not shared between replicas.
 *
 * <p>Bounded per owner: beyond {@code maxPerOwner} sets, the least recently stored one is dropped (an owner signs in
 * to a handful of issuers; hundreds of sets would mean something loops). The number of owners is bounded by the
 * sessions, whose end calls {@link #forget(String)}. Safe for concurrent use: each owner's sets are guarded by their
 * own lock, and {@link #renew} holds one of a fixed number of striped locks chosen by the set's key, so that a slow
 * refresh holds up no other owner's reads.
 */
public final class InMemoryTokenStore implements TokenStore, EntryCount {

    /** Default for {@link #InMemoryTokenStore()}. */
    public static final int DEFAULT_MAX_PER_OWNER = 64;

    private final int maxPerOwner;
    private static final int RENEWAL_STRIPES = 64;

    private final ConcurrentHashMap<String, OwnerTokens> owners = new ConcurrentHashMap<>();
    private final ReentrantLock[] renewalLocks = new ReentrantLock[RENEWAL_STRIPES];

    public InMemoryTokenStore() {
        this(DEFAULT_MAX_PER_OWNER);
    }

    public InMemoryTokenStore(int maxPerOwner) {
        if (maxPerOwner < 1) {
            throw new IllegalArgumentException("maxPerOwner must be positive: " + maxPerOwner);
        }
        this.maxPerOwner = maxPerOwner;
        for (int i = 0; i < RENEWAL_STRIPES; i++) {
            renewalLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public void put(String owner, TokenSet tokens) {
        TokenKey key = tokens.key(owner);
        owners.compute(owner, (o, held) -> {
            OwnerTokens sets = held == null ? new OwnerTokens(maxPerOwner) : held;
            sets.put(key, tokens);
            return sets;
        });
    }

    @Override
    public List<TokenSet> find(String owner, String issuer, Set<String> requiredScopes) {
        OwnerTokens sets = owners.get(owner);
        return sets == null ? List.of() : sets.find(issuer, requiredScopes);
    }

    @Override
    public void remove(String owner, TokenSet tokens) {
        owners.computeIfPresent(owner, (o, sets) -> sets.remove(tokens.key(owner), tokens) ? null : sets);
    }

    @Override
    public Set<String> issuers(String owner) {
        OwnerTokens sets = owners.get(owner);
        return sets == null ? Set.of() : sets.issuers();
    }

    @Override
    public List<TokenSet> removeIssuer(String owner, String issuer) {
        List<TokenSet> removed = new ArrayList<>();
        owners.computeIfPresent(owner, (o, sets) -> {
            removed.addAll(sets.removeIssuer(issuer));
            return sets.isEmpty() ? null : sets;
        });
        return List.copyOf(removed);
    }

    @Override
    public void forget(String owner) {
        owners.remove(owner);
    }

    @Override
    public Optional<TokenSet> renew(String owner, TokenSet stale, Renewal renewal) throws TokenRequestException {
        TokenKey key = stale.key(owner);
        ReentrantLock lock = renewalLocks[Math.floorMod(key.hashCode(), RENEWAL_STRIPES)];
        lock.lock();
        try {
            OwnerTokens sets = owners.get(owner);
            Optional<TokenSet> held = sets == null ? Optional.empty() : sets.get(key);
            if (held.isEmpty() || !held.get().equals(stale)) {
                return held;
            }
            TokenSet renewed = renewal.renew(held.get());
            put(owner, renewed);
            return Optional.of(renewed);
        } finally {
            lock.unlock();
        }
    }

    /** Counts the owners holding at least one set; for tests and metrics. */
    public int ownerCount() {
        return owners.size();
    }

    /** The token sets held for every owner; one lock per owner at a time, so a count is not a snapshot. */
    @Override
    public long entryCount() {
        long count = 0;
        for (OwnerTokens tokens : owners.values()) {
            count += tokens.size();
        }
        return count;
    }

    @Override
    public String toString() {
        return "InMemoryTokenStore[owners=" + owners.size() + ", maxPerOwner=" + maxPerOwner + "]";
    }

    /** One owner's sets, in the order they were stored. */
    private static final class OwnerTokens {
        private final int max;
        private final LinkedHashMap<TokenKey, TokenSet> sets = new LinkedHashMap<>();

        OwnerTokens(int max) {
            this.max = max;
        }

        synchronized void put(TokenKey key, TokenSet tokens) {
            sets.remove(key);
            sets.put(key, tokens);
            while (sets.size() > max) {
                TokenKey eldest = sets.keySet().iterator().next();
                sets.remove(eldest);
            }
        }

        synchronized List<TokenSet> find(String issuer, Set<String> requiredScopes) {
            List<TokenSet> found = new ArrayList<>();
            for (Map.Entry<TokenKey, TokenSet> entry : sets.entrySet()) {
                TokenSet tokens = entry.getValue();
                if (tokens.issuer().equals(issuer) && tokens.covers(requiredScopes)) {
                    found.add(tokens);
                }
            }
            Collections.reverse(found);
            return List.copyOf(found);
        }

        synchronized int size() {
            return sets.size();
        }

        synchronized Optional<TokenSet> get(TokenKey key) {
            return Optional.ofNullable(sets.get(key));
        }

        synchronized Set<String> issuers() {
            Set<String> issuers = new TreeSet<>();
            sets.values().forEach(tokens -> issuers.add(tokens.issuer()));
            return Collections.unmodifiableSet(issuers);
        }

        /** Removes and returns the sets of {@code issuer}, oldest first. */
        synchronized List<TokenSet> removeIssuer(String issuer) {
            List<TokenSet> removed = new ArrayList<>();
            sets.values().removeIf(tokens -> tokens.issuer().equals(issuer) && removed.add(tokens));
            return removed;
        }

        synchronized boolean isEmpty() {
            return sets.isEmpty();
        }

        /** Removes the set if it is still the one held; answers whether nothing is left. */
        synchronized boolean remove(TokenKey key, TokenSet tokens) {
            sets.remove(key, tokens);
            return sets.isEmpty();
        }
    }
}
