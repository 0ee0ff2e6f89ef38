/**
 * Tokens Portico obtains without a user's sign-in at the upstream's authorization server: with its own client
 * credentials (RFC 6749 §4.4), shared by every session, and by exchanging a session's token from another issuer (RFC
 * 8693), kept per session. Both are cached until shortly before they expire and fetched one at a time per key.
 */
package dev.portico.oauth.grant;
