package dev.portico.oauth.storage;

import dev.portico.oauth.token.LogIds;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a store does when it drops its oldest entries to stay within a cap: one log line, and the {@link
 * EvictionListener}. Shared by the in-memory and the PostgreSQL stores so that both say it the same way.
 *
 * <p>A session-cap eviction names the owner, shortened by {@link LogIds#owner}; a total-cap eviction affects whoever
 * held the oldest entries, whom a PostgreSQL store only knows as hashes, so it names nobody. Safe for concurrent use.
 */
public final class StoreEvictions {

    public static final String SIGN_INS = "sign-ins";
    public static final String TOKENS = "tokens";
    public static final String SESSION_CAP = "session-cap";
    public static final String TOTAL_CAP = "total-cap";

    private static final Logger LOG = LoggerFactory.getLogger(StoreEvictions.class);

    private final String store;
    private final EvictionListener listener;

    public StoreEvictions(String store, EvictionListener listener) {
        this.store = Objects.requireNonNull(store, "store");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** {@code count} of {@code owner}'s oldest entries were dropped: it holds as many as one session may. */
    public void sessionCapReached(String owner, int count, int cap) {
        if (count < 1) {
            return;
        }
        LOG.warn(
                "store={} evicted={} reason={} owner={}: the session holds the most allowed ({}), oldest dropped first",
                store,
                count,
                SESSION_CAP,
                LogIds.owner(owner),
                cap);
        tell(SESSION_CAP, count);
    }

    /** {@code count} of the store's oldest entries were dropped: it holds as many as allowed in total. */
    public void totalCapReached(int count, int cap) {
        if (count < 1) {
            return;
        }
        LOG.warn(
                "store={} evicted={} reason={}: the store holds the most allowed ({}), oldest dropped first",
                store,
                count,
                TOTAL_CAP,
                cap);
        tell(TOTAL_CAP, count);
    }

    private void tell(String reason, int count) {
        try {
            listener.evicted(store, reason, count);
        } catch (RuntimeException e) {
            LOG.warn("an eviction listener failed", e);
        }
    }
}
