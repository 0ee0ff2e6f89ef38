package dev.portico.oauth;

import dev.portico.config.Secret;
import dev.portico.oauth.flow.OpaqueValues;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which access token the broker last gave out for each owner and upstream, as a SHA-256, never the token.
 *
 * <p>An upstream's 401 does not say which token it refused. If the token the broker would offer now is the one it
 * gave out last for that upstream, the upstream has just refused it, and offering it again would loop; the broker
 * refreshes it once instead, and starts a sign-in when the token that refresh produced is refused too. Safe for
 * concurrent use; bounded by owners times upstreams, and emptied per owner by {@link #forget(String)}.
 */
final class HandedOutTokens {

    private record Key(String owner, String upstream) {}

    private final ConcurrentHashMap<Key, String> hashes = new ConcurrentHashMap<>();
    /** The token each forced refresh produced: if an upstream refuses that one too, refreshing again would loop. */
    private final ConcurrentHashMap<Key, String> forcedRefreshes = new ConcurrentHashMap<>();

    /** Notes that {@code token} went out for {@code owner} and {@code upstream}. */
    void record(String owner, String upstream, Secret token) {
        hashes.put(new Key(owner, upstream), OpaqueValues.sha256(token.reveal()));
    }

    /**
     * Notes {@code token} as given out unless it is the one given out last; answers whether it was new. Atomic, so
     * of two concurrent 401s only one can be answered with the same token.
     */
    boolean recordIfNew(String owner, String upstream, Secret token) {
        String hash = OpaqueValues.sha256(token.reveal());
        String previous = hashes.put(new Key(owner, upstream), hash);
        return !hash.equals(previous);
    }

    void forget(String owner, String upstream) {
        hashes.remove(new Key(owner, upstream));
    }

    /**
     * Notes that {@code renewed} came from a refresh forced by the refusal of the token given out last, and is given
     * out now.
     */
    void recordForcedRefresh(String owner, String upstream, Secret renewed) {
        String hash = OpaqueValues.sha256(renewed.reveal());
        hashes.put(new Key(owner, upstream), hash);
        forcedRefreshes.put(new Key(owner, upstream), hash);
    }

    /** Whether {@code token} is what the last forced refresh for this owner and upstream produced. */
    boolean cameFromForcedRefresh(String owner, String upstream, Secret token) {
        return OpaqueValues.sha256(token.reveal()).equals(forcedRefreshes.get(new Key(owner, upstream)));
    }

    void forget(String owner) {
        hashes.keySet().removeIf(key -> key.owner().equals(owner));
        forcedRefreshes.keySet().removeIf(key -> key.owner().equals(owner));
    }
}
