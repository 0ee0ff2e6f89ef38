package dev.portico.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Reads {@code oauth}: Portico as an OAuth client, its callback and its Client ID Metadata Document (CIMD). */
final class OAuthConfigReader {

    static final List<String> KEYS = List.of(
            "callbackPath",
            "cimdPath",
            "clientMetadataUrl",
            "clientName",
            "clientUri",
            "stateTtl",
            "metadataCacheTtl",
            "refreshMargin",
            "stepUpLimit",
            "openBrowser",
            "loopbackPort");

    /**
     * A pending sign-in holds a PKCE verifier and a single-use state; keeping them for hours would only widen the
     * window in which a leaked start link can be used.
     */
    static final Duration MAX_STATE_TTL = Duration.ofHours(1);

    /**
     * Access tokens commonly live from five minutes to an hour; a margin beyond an hour would refresh every token
     * before each call, which is a typo rather than a choice.
     */
    static final Duration MAX_REFRESH_MARGIN = Duration.ofHours(1);

    /** Each step-up sends the user through the authorization server again; more than this is a loop, not a plan. */
    static final int MAX_STEP_UP_LIMIT = 10;

    private final MappingReader oauth;
    private final Problems problems;

    private OAuthConfigReader(MappingReader oauth, Problems problems) {
        this.oauth = oauth;
        this.problems = problems;
    }

    /** The OAuth settings, {@link OAuthConfig#defaults()} when the section is absent, or null on problems. */
    static OAuthConfig read(MappingReader root, Problems problems) {
        if (!root.has("oauth")) {
            return OAuthConfig.defaults();
        }
        return root.mapping("oauth", "oauth: {callbackPath: /oauth/callback, clientName: Portico}")
                .map(oauth -> new OAuthConfigReader(oauth, problems).read())
                .orElse(null);
    }

    private OAuthConfig read() {
        int before = problems.count();
        oauth.allowOnly(KEYS);
        Optional<String> callbackPath = path("callbackPath", OAuthConfig.DEFAULT_CALLBACK_PATH);
        Optional<String> cimdPath = path("cimdPath", OAuthConfig.DEFAULT_CIMD_PATH);
        Optional<URI> clientMetadataUrl = clientMetadataUrl();
        if (clientMetadataUrl.isPresent() && oauth.has("cimdPath")) {
            oauth.problemAtKey(
                    "cimdPath",
                    "`cimdPath` is not used when clientMetadataUrl is set: Portico then serves no document",
                    "remove `cimdPath`, or remove `clientMetadataUrl` to let Portico serve its own document");
        } else if (clientMetadataUrl.isEmpty()
                && callbackPath.isPresent()
                && cimdPath.isPresent()
                && callbackPath.get().equals(cimdPath.get())) {
            String key = oauth.has("cimdPath") ? "cimdPath" : "callbackPath";
            String other = key.equals("cimdPath") ? "callbackPath" : "cimdPath (by default)";
            oauth.problem(
                    key,
                    key + " \"" + cimdPath.get() + "\" is the same path as " + other,
                    "give the callback and the Client ID Metadata Document different paths, e.g. "
                            + OAuthConfig.DEFAULT_CALLBACK_PATH + " and " + OAuthConfig.DEFAULT_CIMD_PATH);
        }
        String clientName = clientName();
        Optional<URI> clientUri = clientUri();
        Duration stateTtl = stateTtl();
        Duration metadataCacheTtl = positive("metadataCacheTtl", OAuthConfig.DEFAULT_METADATA_CACHE_TTL, "15m");
        Duration refreshMargin = refreshMargin();
        int stepUpLimit = stepUpLimit();
        boolean openBrowser = oauth.bool("openBrowser").orElse(false);
        int loopbackPort = loopbackPort();
        if (problems.count() != before) {
            return null;
        }
        return new OAuthConfig(
                callbackPath.orElseThrow(),
                cimdPath.orElseThrow(),
                clientMetadataUrl,
                clientName,
                clientUri,
                stateTtl,
                metadataCacheTtl,
                refreshMargin,
                stepUpLimit,
                openBrowser,
                loopbackPort);
    }

    /** Zero is allowed: tokens are then refreshed only once expired (or refused). */
    private Duration refreshMargin() {
        Duration margin = oauth.duration("refreshMargin").orElse(OAuthConfig.DEFAULT_REFRESH_MARGIN);
        if (margin.compareTo(MAX_REFRESH_MARGIN) > 0) {
            oauth.problem(
                    "refreshMargin",
                    "refreshMargin " + Durations.format(margin) + " is longer than the maximum of "
                            + Durations.format(MAX_REFRESH_MARGIN),
                    "use at most " + Durations.format(MAX_REFRESH_MARGIN) + ", e.g. 60s; 0 refreshes a token only"
                            + " once it has expired");
            return OAuthConfig.DEFAULT_REFRESH_MARGIN;
        }
        return margin;
    }

    private int stepUpLimit() {
        Optional<Long> limit = oauth.wholeNumber("stepUpLimit", "stepUpLimit: 2");
        if (limit.isPresent() && (limit.get() < 0 || limit.get() > MAX_STEP_UP_LIMIT)) {
            oauth.problem(
                    "stepUpLimit",
                    "stepUpLimit " + limit.get() + " is out of range",
                    "use 0 to " + MAX_STEP_UP_LIMIT + ", e.g. stepUpLimit: 2; 0 never asks the user for more scopes");
            return OAuthConfig.DEFAULT_STEP_UP_LIMIT;
        }
        return limit.map(Long::intValue).orElse(OAuthConfig.DEFAULT_STEP_UP_LIMIT);
    }

    private int loopbackPort() {
        Optional<Long> port = oauth.wholeNumber("loopbackPort", "loopbackPort: 8765");
        if (port.isPresent() && (port.get() < 0 || port.get() > 65535)) {
            oauth.problem(
                    "loopbackPort",
                    "loopbackPort " + port.get() + " is out of range",
                    "use 1 to 65535, or 0 to pick a free port");
            return 0;
        }
        return port.map(Long::intValue).orElse(0);
    }

    /** A path below the public URL; the default when absent, empty when unusable (reported). */
    private Optional<String> path(String key, String defaultPath) {
        if (!oauth.has(key)) {
            return Optional.of(defaultPath);
        }
        Optional<String> text = oauth.string(key, key + ": " + defaultPath);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String problem = pathProblem(text.get());
        if (!problem.isEmpty()) {
            oauth.problem(
                    key,
                    key + " \"" + text.get() + "\" " + problem,
                    "use a path that starts with \"/\", without query or fragment, e.g. " + defaultPath);
            return Optional.empty();
        }
        if (isPorticosOwn(text.get())) {
            oauth.problem(
                    key,
                    key + " \"" + text.get() + "\" is a path Portico already answers (MCP, health, metrics, sign-in"
                            + " links or its resource metadata)",
                    "choose a path of its own, e.g. " + defaultPath);
            return Optional.empty();
        }
        return text;
    }

    private static boolean isPorticosOwn(String path) {
        String bare = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return OAuthConfig.PORTICO_PATHS.contains(bare)
                || OAuthConfig.PORTICO_PATH_PREFIXES.stream()
                        .anyMatch(prefix -> path.startsWith(prefix) || (path + "/").equals(prefix));
    }

    private static String pathProblem(String path) {
        if (!path.startsWith("/")) {
            return "does not start with \"/\"";
        }
        if (path.startsWith("//")) {
            // In a URL, "//" after the scheme starts a host name, so this would not be a path below the public URL.
            return "starts with \"//\"";
        }
        if (path.indexOf('?') >= 0 || path.indexOf('#') >= 0) {
            return "has a query or fragment";
        }
        try {
            URI uri = new URI(path);
            if (uri.getRawPath() == null || !uri.getRawPath().equals(path)) {
                return "is not a plain URL path";
            }
        } catch (URISyntaxException e) {
            return "is not a valid URL path (" + e.getReason() + ")";
        }
        if (Urls.hasDotSegments(path)) {
            return "has \".\" or \"..\" segments";
        }
        return "";
    }

    /**
     * The URL of a CIMD hosted elsewhere. It becomes Portico's {@code client_id}, so it must meet the CIMD draft's
     * rules for client identifier URLs (draft-ietf-oauth-client-id-metadata-document §3): https, a path, no dot
     * segments, no fragment, no credentials. A bare "/" path is rejected too: URL parsers report an empty path as
     * "/", so authorization servers cannot tell the two apart.
     */
    private Optional<URI> clientMetadataUrl() {
        Optional<String> text =
                oauth.string("clientMetadataUrl", "clientMetadataUrl: https://static.example.com/portico/client.json");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Urls.Result url = Urls.parseHttp(text.get(), true);
        String problem = url.uri().map(OAuthConfigReader::clientIdProblem).orElse(url.problem());
        if (!problem.isEmpty()) {
            oauth.problem(
                    "clientMetadataUrl",
                    "clientMetadataUrl \"" + text.get() + "\" " + problem,
                    "use the absolute https URL of the hosted document, with a path and without fragment, e.g."
                            + " https://static.example.com/portico/client.json");
            return Optional.empty();
        }
        return url.uri();
    }

    private static String clientIdProblem(URI uri) {
        if (!Urls.isHttps(uri) && !Urls.isLoopback(uri)) {
            return "uses http, but a Client ID Metadata Document URL must be https (plain http is accepted only for"
                    + " the loopback hosts " + Urls.LOOPBACK_HOSTS + ")";
        }
        if (uri.getRawFragment() != null) {
            return "has a fragment";
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.isEmpty() || path.equals("/")) {
            return "has no path, which a Client ID Metadata Document URL needs";
        }
        if (Urls.hasDotSegments(path)) {
            return "has \".\" or \"..\" path segments";
        }
        return "";
    }

    private String clientName() {
        Optional<String> name = oauth.string("clientName", "clientName: Portico");
        if (name.isPresent() && name.get().isBlank()) {
            oauth.problem(
                    "clientName",
                    "clientName is empty",
                    "give the name authorization servers show users at sign-in, e.g. clientName: Portico");
        } else if (name.isPresent() && name.get().chars().anyMatch(Character::isISOControl)) {
            oauth.problem(
                    "clientName",
                    "clientName contains a line break or other control character",
                    "write the name on one line, e.g. clientName: Portico");
        }
        return name.orElse(OAuthConfig.DEFAULT_CLIENT_NAME);
    }

    private Optional<URI> clientUri() {
        Optional<String> text = oauth.string("clientUri", "clientUri: https://portico.example.com");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Urls.Result url = Urls.parseHttp(text.get(), true);
        if (url.uri().isEmpty()) {
            oauth.problem(
                    "clientUri",
                    "clientUri \"" + text.get() + "\" " + url.problem(),
                    "use the absolute http(s) URL of a page about this deployment, e.g. https://portico.example.com");
        }
        return url.uri();
    }

    private Duration stateTtl() {
        Duration ttl = positive("stateTtl", OAuthConfig.DEFAULT_STATE_TTL, "10m");
        if (ttl.compareTo(MAX_STATE_TTL) > 0) {
            oauth.problem(
                    "stateTtl",
                    "stateTtl " + Durations.format(ttl) + " is longer than the maximum of "
                            + Durations.format(MAX_STATE_TTL),
                    "use at most " + Durations.format(MAX_STATE_TTL) + ", e.g. 10m; a user who takes longer starts"
                            + " the sign-in again");
        }
        return ttl;
    }

    private Duration positive(String key, Duration defaultValue, String example) {
        Optional<Duration> duration = oauth.duration(key);
        if (duration.isPresent() && duration.get().isZero()) {
            oauth.problem(key, key + " must be longer than 0", "use a positive duration, e.g. " + example);
        }
        return duration.orElse(defaultValue);
    }
}
