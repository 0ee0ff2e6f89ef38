package dev.portico.oauth.callback;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the sign-in endpoints are under Portico's public URL, and the browser-binding cookie they share.
 *
 * <p>The public URL is a supplier because it may be known only once the server listens; it is read per use.
 *
 * <p>The cookie's {@code Path} is the deepest directory that holds both the start path and the callback path
 * ({@code /oauth/} by default) rather than the callback path alone: the start link must see the cookie too, so that
 * a browser that opens a second link, or the same link again, is recognised as the same browser.
 */
public final class SignInEndpoints {

    /** The start link's path prefix; the servlet is mounted at {@code /oauth/start/*}. */
    public static final String START_PATH = "/oauth/start/";

    /** The name of the browser-binding cookie. */
    public static final String COOKIE_NAME = "portico_signin";

    private final Supplier<URI> publicBaseUrl;
    private final String callbackPath;

    /**
     * @throws IllegalArgumentException if {@code callbackPath} does not start with {@code /}
     */
    public SignInEndpoints(Supplier<URI> publicBaseUrl, String callbackPath) {
        this.publicBaseUrl = Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
        Objects.requireNonNull(callbackPath, "callbackPath");
        if (!callbackPath.startsWith("/")) {
            throw new IllegalArgumentException("callbackPath must start with '/': " + callbackPath);
        }
        this.callbackPath = callbackPath;
    }

    /** Portico's start link for a sign-in: {@code <public URL>/oauth/start/<startId>}. */
    public URI startUrl(String startId) {
        return URI.create(base() + START_PATH + startId);
    }

    /** The {@code redirect_uri}: {@code <public URL><callback path>}. */
    public URI redirectUri() {
        return URI.create(base() + callbackPath);
    }

    /** The callback path under the public URL, as configured. */
    public String callbackPath() {
        return callbackPath;
    }

    /** Whether the public URL is https, so the cookie is marked {@code Secure}. */
    public boolean secure() {
        String scheme = publicBaseUrl.get().getScheme();
        return scheme != null && scheme.toLowerCase(Locale.ROOT).equals("https");
    }

    /** The cookie's {@code Path}: the public URL's path plus the directory shared by start and callback paths. */
    public String cookiePath() {
        String shared = sharedDirectory(START_PATH, callbackPath);
        return basePath() + shared;
    }

    /**
     * The {@code Set-Cookie} value binding a browser: HttpOnly (no script reads it), SameSite=Lax (sent on the
     * authorization server's top-level redirect back to the callback, not on cross-site subrequests), Secure under
     * https.
     */
    public String setCookieHeader(String value, Duration maxAge) {
        return setCookieHeader(COOKIE_NAME, value, maxAge);
    }

    /** A {@code Set-Cookie} value like {@link #setCookieHeader(String, Duration)}'s for another cookie of Portico's. */
    public String setCookieHeader(String name, String value, Duration maxAge) {
        StringBuilder header = new StringBuilder(name)
                .append('=')
                .append(value)
                .append("; Path=")
                .append(cookiePath())
                .append("; Max-Age=")
                .append(Math.max(0, maxAge.toSeconds()))
                .append("; HttpOnly; SameSite=Lax");
        if (secure()) {
            header.append("; Secure");
        }
        return header.toString();
    }

    /** The values of the binding cookies the browser sent; several when cookies of several paths apply. */
    public static List<String> cookieValues(HttpServletRequest request) {
        return cookieValues(request, COOKIE_NAME);
    }

    /** The non-empty values of the cookies named {@code name} the browser sent. */
    public static List<String> cookieValues(HttpServletRequest request, String name) {
        List<String> values = new ArrayList<>();
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (name.equals(cookie.getName())
                        && cookie.getValue() != null
                        && !cookie.getValue().isEmpty()) {
                    values.add(cookie.getValue());
                }
            }
        }
        return values;
    }

    private String base() {
        String base = publicBaseUrl.get().toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private String basePath() {
        String path = publicBaseUrl.get().getRawPath();
        if (path == null || path.isEmpty()) {
            return "";
        }
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String sharedDirectory(String a, String b) {
        int common = 0;
        while (common < a.length() && common < b.length() && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        int slash = a.substring(0, common).lastIndexOf('/');
        return a.substring(0, slash + 1);
    }
}
