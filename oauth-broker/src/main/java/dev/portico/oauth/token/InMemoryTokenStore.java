package dev.portico.oauth.token;

import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StoreEvictions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link TokenStore} in the heap of one process: tokens are lost on restart and not shared between replicas.
 *
 * <p>Bounded per owner and in total: beyond {@code maxPerOwner} sets of one owner, or {@code maxTotal} sets in all,
 * the least recently stored one (of the owner, or of all) is dropped, with a log line and a call to the {@link
 * EvictionListener}. An owner signs in to a handful of issuers; hundreds of sets would mean something loops. Owners
 * also leave by {@link #forget(String)} when their session ends.
 *
 * <p>Safe for concurrent use: reads and writes hold the store's lock briefly (they touch a few map entries), and
 * {@link #renew} holds one of a fixed number of striped locks chosen by the set's key while it refreshes, so that a
 * slow refresh holds up no reads and no other set's renewal.
 */
public final class InMemoryTokenStore implements TokenStore, EntryCount {

    /** Default for {@link #InMemoryTokenStore()}. */
    public static final int DEFAULT_MAX_PER_OWNER = 64;

    /** Default total for {@link #InMemoryTokenStore(int)}. */
    public static final int DEFAULT_MAX_TOTAL = 100_000;

    private static final int RENEWAL_STRIPES = 64;

    private final int maxPerOwner;
    private final int maxTotal;
    private final StoreEvictions evictions;
    /** Every set, least recently stored first. */
    private final LinkedHashMap<TokenKey, TokenSet> sets = new LinkedHashMap<>();
    /** Each owner's keys, least recently stored first. */
    private final Map<String, LinkedHashSet<TokenKey>> keysByOwner = new HashMap<>();

    private final ReentrantLock[] renewalLocks = new ReentrantLock[RENEWAL_STRIPES];

    public InMemoryTokenStore() {
        this(DEFAULT_MAX_PER_OWNER);
    }

    public InMemoryTokenStore(int maxPerOwner) {
        this(maxPerOwner, Math.max(maxPerOwner, DEFAULT_MAX_TOTAL), EvictionListener.NONE);
    }

    public InMemoryTokenStore(int maxPerOwner, int maxTotal, EvictionListener listener) {
        if (maxPerOwner < 1 || maxTotal < 1) {
            throw new IllegalArgumentException(
                    "maxPerOwner and maxTotal must be positive: " + maxPerOwner + ", " + maxTotal);
        }
        this.maxPerOwner = maxPerOwner;
        this.maxTotal = maxTotal;
        this.evictions = new StoreEvictions(StoreEvictions.TOKENS, listener);
        for (int i = 0; i < RENEWAL_STRIPES; i++) {
            renewalLocks[i] = new ReentrantLock();
        }
    }

    @Override
    public synchronized void put(String owner, TokenSet tokens) {
        TokenKey key = tokens.key(owner);
        remove(key);
        LinkedHashSet<TokenKey> own = keysByOwner.getOrDefault(owner, new LinkedHashSet<>());
        int ownEvicted = 0;
        while (own.size() >= maxPerOwner) {
            remove(own.iterator().next());
            ownEvicted++;
        }
        evictions.sessionCapReached(owner, ownEvicted, maxPerOwner);
        int evicted = 0;
        while (sets.size() >= maxTotal) {
            remove(sets.keySet().iterator().next());
            evicted++;
        }
        evictions.totalCapReached(evicted, maxTotal);
        sets.put(key, tokens);
        keysByOwner.computeIfAbsent(owner, o -> new LinkedHashSet<>()).add(key);
    }

    @Override
    public synchronized List<TokenSet> find(String owner, String issuer, Set<String> requiredScopes) {
        List<TokenSet> found = new ArrayList<>();
        for (TokenKey key : keysByOwner.getOrDefault(owner, new LinkedHashSet<>())) {
            TokenSet tokens = sets.get(key);
            if (tokens.issuer().equals(issuer) && tokens.covers(requiredScopes)) {
                found.add(tokens);
            }
        }
        Collections.reverse(found);
        return List.copyOf(found);
    }

    @Override
    public synchronized void remove(String owner, TokenSet tokens) {
        TokenKey key = tokens.key(owner);
        if (tokens.equals(sets.get(key))) {
            remove(key);
        }
    }

    @Override
    public synchronized Set<String> issuers(String owner) {
        Set<String> issuers = new TreeSet<>();
        keysByOwner.getOrDefault(owner, new LinkedHashSet<>()).forEach(key -> issuers.add(key.issuer()));
        return Collections.unmodifiableSet(issuers);
    }

    @Override
    public synchronized List<TokenSet> removeIssuer(String owner, String issuer) {
        List<TokenSet> removed = new ArrayList<>();
        for (TokenKey key : List.copyOf(keysByOwner.getOrDefault(owner, new LinkedHashSet<>()))) {
            if (key.issuer().equals(issuer)) {
                removed.add(remove(key));
            }
        }
        return List.copyOf(removed);
    }

    @Override
    public synchronized void forget(String owner) {
        LinkedHashSet<TokenKey> keys = keysByOwner.remove(owner);
        if (keys != null) {
            keys.forEach(sets::remove);
        }
    }

    @Override
    public Optional<TokenSet> renew(String owner, TokenSet stale, Renewal renewal) throws TokenRequestException {
        TokenKey key = stale.key(owner);
        ReentrantLock lock = renewalLocks[Math.floorMod(key.hashCode(), RENEWAL_STRIPES)];
        lock.lock();
        try {
            Optional<TokenSet> held = held(key);
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
    public synchronized int ownerCount() {
        return keysByOwner.size();
    }

    /** Counts the sets held; for tests and metrics. */
    public synchronized int size() {
        return sets.size();
    }

    @Override
    public long entryCount() {
        return size();
    }

    @Override
    public synchronized String toString() {
        return "InMemoryTokenStore[owners=" + keysByOwner.size() + ", sets=" + sets.size() + ", maxPerOwner="
                + maxPerOwner + ", maxTotal=" + maxTotal + "]";
    }

    private synchronized Optional<TokenSet> held(TokenKey key) {
        return Optional.ofNullable(sets.get(key));
    }

    /** Drops the set under {@code key}, if any, from both indexes; returns it. */
    private TokenSet remove(TokenKey key) {
        TokenSet removed = sets.remove(key);
        LinkedHashSet<TokenKey> own = keysByOwner.get(key.owner());
        if (own != null) {
            own.remove(key);
            if (own.isEmpty()) {
                keysByOwner.remove(key.owner());
            }
        }
        return removed;
    }
}
