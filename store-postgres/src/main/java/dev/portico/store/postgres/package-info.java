/**
 * The OAuth broker's state in PostgreSQL, for deployments of more than one replica: in-flight sign-ins, tokens and
 * dynamic client registrations, shared by every replica and kept across restarts.
 *
 * <p>{@link dev.portico.store.postgres.PostgresStorage} is the one entry point: it checks the keys, opens the pool,
 * applies the Flyway migrations under {@code db/migration}, and hands out the three stores that plug into {@code
 * BrokerSettings}. Secrets are sealed with AES-256-GCM ({@code FieldCipher}) under the configured key, with the key
 * id beside each value so that keys can be rotated; lookups go through SHA-256 hashes, so no state, start id, session
 * id, verifier, token or client secret is stored in the plain. Time decisions (expiry of sign-ins) use the database's
 * clock. A database outage surfaces as {@link dev.portico.oauth.storage.StorageUnavailableException}, and the stores
 * recover by themselves.
 */
package dev.portico.store.postgres;
