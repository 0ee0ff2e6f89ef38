/**
 * The browser's side of a sign-in: the start link ({@link dev.portico.oauth.callback.StartServlet}), which binds the
 * sign-in to a browser and redirects to the authorization server, and the callback ({@link
 * dev.portico.oauth.callback.CallbackServlet}), which finishes it; both answer with the small, strict pages of {@link
 * dev.portico.oauth.callback.Pages}.
 */
package dev.portico.oauth.callback;
