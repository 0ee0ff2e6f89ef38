package dev.portico.oauth.http;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A response that arrived whole and within the limits of {@link OutboundHttpSettings}, whatever its status.
 *
 * @param uri the URL that was requested
 * @param status the HTTP status code; a redirect is returned as such, never followed
 * @param reason the reason phrase, possibly empty
 * @param headers the response header fields, names compared without case
 * @param body the body decoded with the charset of its {@code Content-Type}, or UTF-8 (RFC 8259 §8.1)
 */
public record OutboundResponse(URI uri, int status, String reason, Map<String, List<String>> headers, String body) {

    /** The longest part of a body that may appear in a message. */
    public static final int MAX_EXCERPT = 200;

    public OutboundResponse {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(reason, "reason");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), OutboundResponse::concat));
        headers = Collections.unmodifiableMap(copy);
        Objects.requireNonNull(body, "body");
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return List.copyOf(both);
    }

    /** The first value of the header field {@code name} (any case). */
    public Optional<String> header(String name) {
        List<String> values = headers.getOrDefault(name, List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** All values of the header field {@code name} (any case), one per field line. */
    public List<String> headerValues(String name) {
        return headers.getOrDefault(name, List.of());
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The start of the body, control characters replaced, at most {@link #MAX_EXCERPT} characters: for messages. */
    public String bodyExcerpt() {
        return excerpt(body);
    }

    /** At most {@link #MAX_EXCERPT} characters of {@code text}, control characters replaced, for messages. */
    public static String excerpt(String text) {
        int end = Math.min(text.length(), MAX_EXCERPT);
        StringBuilder out = new StringBuilder(end + 1);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (end < text.length()) {
            out.append('…');
        }
        return out.toString().strip();
    }
}
