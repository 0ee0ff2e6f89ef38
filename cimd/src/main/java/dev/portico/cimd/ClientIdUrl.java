package dev.portico.cimd;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The rules for a client identifier URL (draft-ietf-oauth-client-id-metadata-document §3), with one allowance: http on
 * a loopback host, so that a local Portico (and {@code portico demo}) can present a document without a certificate.
 * Authorization servers on the internet will still refuse such an identifier.
 */
final class ClientIdUrl {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private ClientIdUrl() {}

    static List<String> problems(URI url) {
        if (url == null) {
            return List.of("the client_id URL is missing");
        }
        if (!url.isAbsolute() || url.isOpaque()) {
            return List.of("the client_id \"" + url + "\" is not an absolute URL");
        }
        List<String> problems = new ArrayList<>();
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            problems.add("the client_id \"" + url + "\" has no host");
        } else if (scheme.equals("http") && !isLoopback(host)) {
            problems.add("the client_id \"" + url + "\" uses http; it must use https (http is accepted only on a"
                    + " loopback host)");
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            problems.add("the client_id \"" + url + "\" must use https, not " + scheme);
        }
        String rawPath = url.getRawPath();
        if (rawPath == null || rawPath.isEmpty()) {
            problems.add("the client_id \"" + url + "\" has no path; it must name the document, such as "
                    + "/.well-known/oauth-client.json");
        } else if (hasDotSegment(rawPath)) {
            problems.add("the client_id \"" + url + "\" has a \".\" or \"..\" path segment");
        }
        if (url.getRawFragment() != null) {
            problems.add("the client_id \"" + url + "\" has a fragment");
        }
        if (url.getRawUserInfo() != null) {
            problems.add("the client_id has a user name or password; it must not");
        }
        return List.copyOf(problems);
    }

    /** Whether {@code host}, as {@link URI#getHost()} returns it, is localhost, in 127.0.0.0/8, or ::1. No DNS. */
    static boolean isLoopback(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.equals("localhost") || lower.equals("::1") || lower.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        var ipv4 = IPV4.matcher(lower);
        if (!ipv4.matches()) {
            return false;
        }
        for (int group = 1; group <= 4; group++) {
            if (Integer.parseInt(ipv4.group(group)) > 255) {
                return false;
            }
        }
        return ipv4.group(1).equals("127");
    }

    private static boolean hasDotSegment(String rawPath) {
        for (String segment : rawPath.split("/", -1)) {
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            if (decoded.equals(".") || decoded.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
