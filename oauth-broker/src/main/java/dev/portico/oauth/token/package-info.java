/**
 * Tokens: the token endpoint client (code exchange and refresh, RFC 6749 §4.1.3 and §6, RFC 8707 {@code resource}),
 * the store keyed by owner, issuer, scopes and resource, and the choice of the token to send to an upstream,
 * including single sign-on across the upstreams of one issuer ({@link dev.portico.oauth.token.AccessTokens}).
 */
package dev.portico.oauth.token;
