package dev.portico.oauth.flow;

/** What {@link SignInStore#bindBrowser(String, String)} did. */
public enum BindOutcome {
    /** The sign-in was not bound yet and now belongs to this browser. */
    BOUND,
    /** The sign-in was already bound to this same browser (the user opened the link again). */
    SAME_BROWSER,
    /** The sign-in belongs to another browser: the first one to open the link. */
    OTHER_BROWSER,
    /** The sign-in expired. */
    EXPIRED,
    /** No sign-in has that start id. */
    UNKNOWN
}
