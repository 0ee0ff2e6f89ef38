/**
 * Starting a sign-in: the target of an upstream ({@link dev.portico.oauth.flow.SignInTargets}), the scopes ({@link
 * dev.portico.oauth.flow.ScopeChoice}), the authorization request with PKCE S256 and a random state ({@link
 * dev.portico.oauth.flow.PendingSignIn}), and the store where it waits for the browser ({@link
 * dev.portico.oauth.flow.SignInStore}: single use, expiring, bound to the first browser that opens the link).
 */
package dev.portico.oauth.flow;
