/**
 * What the broker's stores share whatever keeps them: the failure a shared store reports when it cannot be reached.
 * The stores themselves live with their feature ({@code flow}, {@code token}, {@code client}); a database-backed
 * implementation lives in its own module so that the embedded default carries no JDBC.
 */
package dev.portico.oauth.storage;
