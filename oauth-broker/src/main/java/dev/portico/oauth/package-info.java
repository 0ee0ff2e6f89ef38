/**
 * The OAuth challenge broker: signs users in to upstream MCP servers from inside their MCP client. Everything OAuth,
 * nothing MCP.
 *
 * <p>The flow, with the package that does each step:
 *
 * <ol>
 *   <li>The aggregator asks {@link dev.portico.oauth.OAuthBroker#accessToken} for a token for (owner, upstream). None
 *       yet: it calls the upstream without one.
 *   <li>The upstream answers 401 (or 403 {@code insufficient_scope}). {@link
 *       dev.portico.oauth.OAuthBroker#onUnauthorized} reads {@code WWW-Authenticate} ({@code challenge}), finds the
 *       protected resource metadata and the authorization server ({@code discovery}), Portico's client identity
 *       there ({@code client}) and the scopes ({@code flow.ScopeChoice}). If the owner already holds a token of that
 *       issuer, it answers {@link dev.portico.oauth.SignInOutcome.Authorized}; else it starts a sign-in ({@code
 *       flow.PendingSignIn}: PKCE S256 verifier, random single-use state) and answers {@link
 *       dev.portico.oauth.SignInOutcome.SignInRequired} with Portico's start link.
 *   <li>The user opens the start link ({@code callback.StartServlet}), which binds the sign-in to that browser with a
 *       cookie and redirects to the authorization server.
 *   <li>The browser comes back to the callback ({@code callback.CallbackServlet}), which takes the state, checks the
 *       cookie and {@code iss}, exchanges the code with the verifier and {@code resource} ({@code token.TokenClient}),
 *       stores the tokens ({@code token.TokenStore}) and tells the listeners ({@link dev.portico.oauth.SignedIn}).
 *   <li>The aggregator's next {@code accessToken} finds the token, refreshing it when it expires or exchanging it
 *       for another upstream's resource ({@code token.AccessTokens}).
 *   <li>Signing out ({@link dev.portico.oauth.OAuthBroker#signOut}) drops the owner's tokens of an issuer and revokes
 *       them at its RFC 7009 endpoint ({@code token.TokenRevoker}).
 * </ol>
 *
 * <p>Secrets (codes, verifiers, tokens, client secrets) are held in {@link dev.portico.config.Secret} and never reach
 * a log line, an exception message or a page. Log lines shorten owners to 8 characters.
 */
package dev.portico.oauth;
