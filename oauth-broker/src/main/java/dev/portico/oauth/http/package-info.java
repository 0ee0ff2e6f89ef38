/**
 * The broker's only way out to the network: {@link dev.portico.oauth.http.OutboundHttp}, a Jetty client hardened
 * against server-side request forgery.
 *
 * <p>Discovery fetches URLs that upstreams choose, and Nimbus token, registration and revocation requests go to
 * endpoints that metadata documents name; all of them pass here. The URL's scheme is checked first (https, or http to
 * loopback when allowed), then {@link dev.portico.oauth.http.PinnedAddressResolver} resolves the host once, drops
 * the addresses {@link dev.portico.oauth.http.AddressPolicy} refuses and hands Jetty only the rest, so the address
 * connected to is the address checked. Redirects come back as responses; bodies and times are capped by
 * {@link dev.portico.oauth.http.OutboundHttpSettings}, built from the {@code security} configuration.
 */
package dev.portico.oauth.http;
