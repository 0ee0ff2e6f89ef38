/**
 * Inbound authentication: Portico as an OAuth protected resource for its own MCP clients ({@code server.auth}).
 *
 * <p>The flow (MCP authorization 2025-11-25, seen from the server): a client calls {@code /mcp} without a token and
 * gets 401 with {@code WWW-Authenticate: Bearer resource_metadata="<public URL>/.well-known/oauth-protected-resource/mcp"}
 * ({@link BearerAuthenticator}); it reads that document ({@link ResourceMetadataServlet}, RFC 9728), signs the user in
 * at the one authorization server it names, and calls again with the access token. {@link InboundTokenValidator}
 * checks the JWT against the issuer's keys, found through its metadata and fetched through the hardened outbound
 * client ({@link JwksRetriever}), and turns it into an {@link InboundUser}, whose {@link InboundUser#ownerKey()} is
 * the owner of the user's upstream tokens.
 */
package dev.portico.oauth.inbound;
