package dev.portico.oauth.challenge;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The RFC 6750 §3 reading of a {@code Bearer} challenge, with the RFC 9728 §5.1 {@code resource_metadata} parameter
 * that Nimbus's {@code BearerTokenError.parse} drops.
 *
 * <p>Example of a challenge this reads (RFC 9728 §5.1):
 *
 * <pre>
 * WWW-Authenticate: Bearer resource_metadata="https://resource.example.com/.well-known/oauth-protected-resource"
 * </pre>
 *
 * @param realm the protection space, if given
 * @param scope the scope tokens the resource asks for (RFC 6750 §3, space-delimited on the wire); empty when absent
 * @param error the error code ({@code invalid_request}, {@code invalid_token}, {@code insufficient_scope}), if given
 * @param errorDescription the human-readable explanation, if given; for logs, never for decisions
 * @param resourceMetadata where the resource's protected resource metadata is (RFC 9728 §5.1), if given
 * @param challenge the challenge this was read from, for parameters not named here
 */
public record BearerChallenge(
        Optional<String> realm,
        List<String> scope,
        Optional<String> error,
        Optional<String> errorDescription,
        Optional<URI> resourceMetadata,
        WwwAuthenticateChallenge challenge) {

    /** The scheme name, compared without case. */
    public static final String SCHEME = "Bearer";

    private static final int MAX_QUOTED = 200;

    /** RFC 6750 §3: scope is a space-delimited list; tabs are tolerated as well. */
    private static final Pattern SCOPE_SEPARATOR = Pattern.compile("[ \t]+");

    public BearerChallenge {
        Objects.requireNonNull(realm, "realm");
        scope = List.copyOf(scope);
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(errorDescription, "errorDescription");
        Objects.requireNonNull(resourceMetadata, "resourceMetadata");
        Objects.requireNonNull(challenge, "challenge");
    }

    /**
     * Reads a challenge whose scheme is {@code Bearer}.
     *
     * @throws IllegalArgumentException if the scheme is another one
     * @throws WwwAuthenticateParseException if {@code resource_metadata} is not an absolute http(s) URL without a
     *     fragment: following a relative or odd URL would be a guess, and the caller can still fall back to the
     *     well-known locations of RFC 9728 §3 deliberately
     */
    public static BearerChallenge from(WwwAuthenticateChallenge challenge) throws WwwAuthenticateParseException {
        if (!challenge.hasScheme(SCHEME)) {
            throw new IllegalArgumentException("not a Bearer challenge: " + challenge.scheme());
        }
        List<String> scope = challenge
                .param("scope")
                .map(value -> Arrays.stream(SCOPE_SEPARATOR.split(value))
                        .filter(s -> !s.isEmpty())
                        .toList())
                .orElse(List.of());
        Optional<URI> resourceMetadata = Optional.empty();
        Optional<String> rawMetadata = challenge.param("resource_metadata");
        if (rawMetadata.isPresent()) {
            resourceMetadata = Optional.of(resourceMetadataUrl(rawMetadata.get()));
        }
        return new BearerChallenge(
                challenge.param("realm"),
                scope,
                challenge.param("error"),
                challenge.param("error_description"),
                resourceMetadata,
                challenge);
    }

    /**
     * The first {@code Bearer} challenge among {@code challenges}. Neither RFC 6750 nor RFC 9110 says which of
     * several to use, so the sender's order decides.
     */
    public static Optional<BearerChallenge> find(List<WwwAuthenticateChallenge> challenges)
            throws WwwAuthenticateParseException {
        Optional<WwwAuthenticateChallenge> bearer = WwwAuthenticate.first(challenges, SCHEME);
        return bearer.isPresent() ? Optional.of(from(bearer.get())) : Optional.empty();
    }

    /** Whether the resource says the token lacks scope (RFC 6750 §3.1), which calls for a new authorization. */
    public boolean insufficientScope() {
        return error.filter("insufficient_scope"::equals).isPresent();
    }

    /** Whether the resource says the token is expired, revoked or malformed (RFC 6750 §3.1). */
    public boolean invalidToken() {
        return error.filter("invalid_token"::equals).isPresent();
    }

    private static URI resourceMetadataUrl(String value) throws WwwAuthenticateParseException {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw invalid(value, "is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.isOpaque() || !(scheme.equals("https") || scheme.equals("http"))) {
            throw invalid(value, "is not an absolute http(s) URL");
        }
        if (uri.getHost() == null) {
            throw invalid(value, "has no host");
        }
        if (uri.getRawFragment() != null) {
            throw invalid(value, "has a fragment");
        }
        return uri;
    }

    private static WwwAuthenticateParseException invalid(String value, String problem) {
        String shown = value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "…" : value;
        return new WwwAuthenticateParseException(WwwAuthenticateParseError.semantic(
                "resource_metadata \"" + shown + "\" " + problem + " (RFC 9728 §5.1)"));
    }
}
