package dev.portico.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/** Checks the URLs of the config file: Portico only ever speaks HTTP(S), and only to absolute addresses. */
final class Urls {

    private Urls() {}

    /**
     * The parsed URL, or the reason it is unusable.
     *
     * @param endpoint whether it names an endpoint, where a query may carry meaning; a base URL such as the public
     *     URL has paths appended to it, so a query or fragment there would end up in the middle of every URL
     */
    static Result parseHttp(String text, boolean endpoint) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            return Result.invalid("is not a valid URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque()) {
            return Result.invalid("is not an absolute URL");
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Result.invalid("uses scheme \"" + uri.getScheme() + "\", not http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return Result.invalid("has no valid host");
        }
        if (uri.getUserInfo() != null) {
            return Result.invalid("contains credentials");
        }
        if (!endpoint && (uri.getRawQuery() != null || uri.getRawFragment() != null)) {
            return Result.invalid("has a query or fragment");
        }
        return new Result(Optional.of(uri), "");
    }

    /** How the config's messages name the hosts for which plain http is accepted. */
    static final String LOOPBACK_HOSTS = "127.0.0.1, localhost, ::1";

    /**
     * Whether {@code uri} points at this machine: {@code localhost}, an address in 127.0.0.0/8 or {@code ::1}. Only
     * there is plain http tolerable, for development, since nothing else can observe the traffic.
     */
    static boolean isLoopback(URI uri) {
        return IpLiterals.isLoopback(uri.getHost());
    }

    static boolean isHttps(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("https");
    }

    /** Whether the path has a {@code .} or {@code ..} segment, which servers and caches may resolve differently. */
    static boolean hasDotSegments(String rawPath) {
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Either a URL or why there is none. */
    record Result(Optional<URI> uri, String problem) {
        static Result invalid(String problem) {
            return new Result(Optional.empty(), problem);
        }
    }
}
