package dev.portico.oauth.callback;

import dev.portico.oauth.flow.PendingSignIn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * What a browser must pass before a start link binds a sign-in to it and sends it to the authorization server. With
 * inbound authentication, the browser must be signed in to Portico as the user whose sign-in it is (see {@code
 * dev.portico.oauth.inbound.BrowserLogin}); without it, every browser passes and the first one to open the link owns
 * the sign-in.
 */
@FunctionalInterface
public interface StartLinkCheck {

    /** Every browser passes. */
    StartLinkCheck NONE = (signIn, request, response) -> true;

    /**
     * Whether the start link may go on with {@code signIn} in this browser; false after this method answered the
     * request itself (a redirect to sign in first, or a refusal page).
     */
    boolean admit(PendingSignIn signIn, HttpServletRequest request, HttpServletResponse response) throws IOException;
}
