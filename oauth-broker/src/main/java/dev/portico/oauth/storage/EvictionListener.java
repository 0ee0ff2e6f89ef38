package dev.portico.oauth.storage;

/**
 * Hears of every entry a store dropped to stay within its caps ({@code limits.maxPendingSignIns*} and {@code
 * limits.maxTokenSets*}): the hook for an eviction counter, such as a metric tagged with the store and the reason.
 *
 * <p>Called on the thread that stored the entry that made room necessary, after the eviction; must be quick and must
 * not throw. Carries no owner, let alone a secret.
 */
@FunctionalInterface
public interface EvictionListener {

    /** Ignores every eviction (the log line is written anyway). */
    EvictionListener NONE = (store, reason, count) -> {};

    /**
     * @param store which store dropped entries: {@link StoreEvictions#SIGN_INS} or {@link StoreEvictions#TOKENS}
     * @param reason which cap was reached: {@link StoreEvictions#SESSION_CAP} or {@link StoreEvictions#TOTAL_CAP}
     * @param count how many entries were dropped, at least one
     */
    void evicted(String store, String reason, int count);
}
