/**
 * Portico's client identity at an authorization server: the step of the challenge flow after discovery has produced
 * validated authorization server metadata and before the authorization request is built.
 *
 * <p>{@link dev.portico.oauth.client.ClientRegistry#identify} follows the priority of the MCP authorization spec
 * (2025-11-25, "Client Registration Approaches"): the client configured for the upstream ({@code auth.clientId});
 * else Portico's Client ID Metadata Document URL as {@code client_id} when the server advertises {@code
 * client_id_metadata_document_supported}; else one RFC 7591 dynamic registration per issuer, shared by every session
 * and upstream; else a {@link dev.portico.oauth.client.ClientRegistrationException} telling the admin what to
 * configure. The result, a {@link dev.portico.oauth.client.ClientIdentity}, gives the token and revocation requests
 * their Nimbus client authentication. Secrets stay in {@link dev.portico.config.Secret} throughout.
 */
package dev.portico.oauth.client;
