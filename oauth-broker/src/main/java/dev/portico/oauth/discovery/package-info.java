/**
 * The second step of the challenge flow: from an upstream's URL (and its {@code WWW-Authenticate} Bearer challenge,
 * when it sent one) to the authorization server to use and that server's checked metadata.
 *
 * <p>{@link dev.portico.oauth.discovery.Discovery} reads the upstream's protected resource metadata (RFC 9728,
 * {@link dev.portico.oauth.discovery.ProtectedResourceMetadata}), checks that it is about this upstream ({@link
 * dev.portico.oauth.discovery.ResourceUris}), picks the authorization server (a configured one wins) and fetches its
 * RFC 8414 or OpenID Connect metadata from the locations {@link dev.portico.oauth.discovery.WellKnownUrls} derives,
 * in the order of the MCP authorization specification (2025-11-25). The result, {@link
 * dev.portico.oauth.discovery.DiscoveredAuthorization}, feeds client identification and the PKCE flow. All fetches go
 * through {@link dev.portico.oauth.http.OutboundHttp}.
 */
package dev.portico.oauth.discovery;
