package dev.portico.oauth.challenge;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One challenge of a {@code WWW-Authenticate} field (RFC 9110 §11.6.1): an auth-scheme followed by a list of
 * auth-params, by a single token68, or by nothing.
 *
 * <p>Not to be confused with {@link BearerChallenge}, which is the RFC 6750 reading of a challenge whose scheme is
 * {@code Bearer}.
 *
 * <p>Scheme and parameter names are case-insensitive (RFC 9110 §11.1 and §11.2). The scheme keeps the spelling it was
 * sent with and is compared with {@link #hasScheme(String)}; parameter names are stored in lower case, so that
 * {@link #params()} and {@link #param(String)} agree on every look-up. Values are kept as sent, without the quoting of
 * a quoted-string. Instances are immutable.
 *
 * @param scheme the auth-scheme, as sent (for example {@code Bearer})
 * @param params the auth-params, names in lower case, in the order sent; empty when there are none or when the
 *     challenge carries a token68
 * @param token68 the token68 form of the challenge's data, if that form was used
 */
public record WwwAuthenticateChallenge(String scheme, Map<String, String> params, Optional<String> token68) {

    /**
     * @throws IllegalArgumentException if the scheme or a name is not a token, a value holds a control character, a
     *     name occurs twice (in any case), or both params and a token68 are given
     */
    public WwwAuthenticateChallenge {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(token68, "token68");
        if (!HttpSyntax.isToken(scheme)) {
            throw new IllegalArgumentException("auth-scheme must be a token (RFC 9110 §11.1): " + scheme);
        }
        if (token68.isPresent() && !HttpSyntax.isToken68(token68.get())) {
            throw new IllegalArgumentException("not a token68 (RFC 9110 §11.2): " + token68.get());
        }
        if (token68.isPresent() && !params.isEmpty()) {
            throw new IllegalArgumentException("a challenge has either auth-params or a token68, not both");
        }
        Map<String, String> lowerCased = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (!HttpSyntax.isToken(name)) {
                throw new IllegalArgumentException("auth-param name must be a token (RFC 9110 §11.2): " + name);
            }
            if (!HttpSyntax.isQuotable(Objects.requireNonNull(value, name))) {
                throw new IllegalArgumentException(
                        "auth-param '" + name + "' has a control character, which no quoted-string can carry");
            }
            if (lowerCased.put(name.toLowerCase(Locale.ROOT), value) != null) {
                throw new IllegalArgumentException("auth-param '" + name + "' occurs twice (RFC 9110 §11.2)");
            }
        });
        params = Collections.unmodifiableMap(lowerCased);
    }

    /** A challenge with auth-params (possibly none). */
    public static WwwAuthenticateChallenge of(String scheme, Map<String, String> params) {
        return new WwwAuthenticateChallenge(scheme, params, Optional.empty());
    }

    /** A challenge carrying a token68. */
    public static WwwAuthenticateChallenge ofToken68(String scheme, String token68) {
        return new WwwAuthenticateChallenge(scheme, Map.of(), Optional.of(token68));
    }

    /** Whether this challenge's scheme is {@code scheme}, ignoring case. */
    public boolean hasScheme(String scheme) {
        return this.scheme.equalsIgnoreCase(scheme);
    }

    /** The value of the parameter {@code name} (any case), if present. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * This challenge as it would appear in a {@code WWW-Authenticate} value. Every parameter value is written as a
     * quoted-string, which RFC 9110 §11.2 allows for all values and RFC 6750 §3 requires for Bearer's.
     */
    public String toHeaderValue() {
        StringBuilder out = new StringBuilder(scheme);
        if (token68.isPresent()) {
            return out.append(' ').append(token68.get()).toString();
        }
        String separator = " ";
        for (Map.Entry<String, String> param : params.entrySet()) {
            out.append(separator).append(param.getKey()).append('=');
            HttpSyntax.appendQuoted(out, param.getValue());
            separator = ", ";
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return toHeaderValue();
    }
}
