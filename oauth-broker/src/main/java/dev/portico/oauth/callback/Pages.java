package dev.portico.oauth.callback;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small HTML pages a browser sees at the start link and the callback: a title and one sentence.
 *
 * <p>Every piece of text is HTML-escaped, because some of it comes from elsewhere (an upstream's configured name, the
 * {@code error} an authorization server put in the redirect, which anyone can forge). The headers keep the pages
 * out of caches, frames and {@code Referer} (the callback URL carries the authorization code), and the Content
 * Security Policy allows no script and no resource at all, only the inline style.
 */
public final class Pages {

    /** The Content Security Policy of every page: nothing may load or run; the inline style may apply. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final Map<String, String> HEADERS = buildHeaders();

    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;"
            + "padding:0 1rem;line-height:1.5;color:#222}h1{font-size:1.4rem}";

    private Pages() {}

    /** The headers sent with every page and redirect, in the order sent. */
    public static Map<String, String> securityHeaders() {
        return HEADERS;
    }

    private static Map<String, String> buildHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cache-Control", "no-store");
        headers.put("Pragma", "no-cache");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        return Collections.unmodifiableMap(headers);
    }

    /**
     * The sign-in store (a database) cannot be reached: nothing is lost, the same link or callback may work again in
     * a moment.
     */
    public static void storageUnavailable(HttpServletResponse response) throws IOException {
        response.setHeader("Retry-After", "5");
        send(
                response,
                HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                "Sign-in storage unavailable",
                "Portico cannot reach its sign-in storage right now. Reload this page in a moment.");
    }

    /**
     * A rate limit was reached (RFC 6585 §4): 429 with {@code Retry-After} in whole seconds (RFC 9110 §10.2.3), and a
     * page that says the same to a person.
     */
    public static void tooManyRequests(HttpServletResponse response, Duration retryAfter) throws IOException {
        long seconds = Math.max(1, retryAfter.toSeconds());
        response.setHeader("Retry-After", Long.toString(seconds));
        send(
                response,
                429,
                "Too many requests",
                "Too many sign-in requests came from your network in the last minute. Reload this page in " + seconds
                        + " seconds.");
    }

    /** Answers with a page. */
    public static void send(HttpServletResponse response, int status, String title, String message) throws IOException {
        byte[] body = render(title, message).getBytes(StandardCharsets.UTF_8);
        applySecurityHeaders(response);
        response.setStatus(status);
        response.setContentType("text/html;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** Sets the {@link #securityHeaders()}. */
    public static void applySecurityHeaders(HttpServletResponse response) {
        HEADERS.forEach(response::setHeader);
    }

    /** The page's HTML, with {@code title} and {@code message} escaped. */
    public static String render(String title, String message) {
        String safeTitle = escape(title);
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"no-referrer\">"
                + "<title>" + safeTitle + " · Portico</title><style>" + STYLE + "</style></head>\n"
                + "<body><h1>" + safeTitle + "</h1>\n<p>" + escape(message) + "</p></body></html>\n";
    }

    /** Escapes the characters that could end a text node or an attribute value: {@code & < > " '}. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    out.append(c);
            }
        }
        return out.toString();
    }
}
