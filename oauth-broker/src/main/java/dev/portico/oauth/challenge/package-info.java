/**
 * Reading {@code WWW-Authenticate}: the first step of the challenge flow.
 *
 * <p>An upstream MCP server answers 401 (or 403 with {@code error="insufficient_scope"}) and names, in its {@code
 * Bearer} challenge, where its protected resource metadata lives ({@code resource_metadata}, RFC 9728 §5.1) and which
 * scopes it wants. {@link dev.portico.oauth.challenge.WwwAuthenticate#parse(java.util.List)} reads the raw field
 * values into {@link dev.portico.oauth.challenge.WwwAuthenticateChallenge}s following RFC 9110 §11.6.1, and {@link
 * dev.portico.oauth.challenge.BearerChallenge} gives the RFC 6750 view of the Bearer one. Parsing returns a value,
 * never throws: a malformed field, or one without any challenge, is a {@link
 * dev.portico.oauth.challenge.WwwAuthenticateParseResult.Malformed} result. The next step, finding the metadata, is
 * {@code dev.portico.oauth.discovery}.
 *
 * <p>Wire types only: nothing here does I/O or decides policy.
 */
package dev.portico.oauth.challenge;
