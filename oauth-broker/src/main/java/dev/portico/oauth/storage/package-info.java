/**
 * What the broker's stores share whatever keeps them: the failure a shared store reports when it cannot be reached,
 * and how a store reports dropping its oldest entries to stay within its caps ({@link
 * dev.portico.oauth.storage.StoreEvictions}, with the {@link dev.portico.oauth.storage.EvictionListener} hook for
 * metrics).
 * The stores themselves live with their feature ({@code flow}, {@code token}, {@code client}); a database-backed
 * implementation lives in its own module so that the embedded default carries no JDBC.
 */
package dev.portico.oauth.storage;
