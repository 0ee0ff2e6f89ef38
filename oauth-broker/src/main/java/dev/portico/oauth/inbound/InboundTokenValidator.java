package dev.portico.oauth.inbound;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSAlgorithmFamilyJWSKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.discovery.DiscoveryException;
import dev.portico.oauth.http.OutboundHttp;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks the bearer tokens of Portico's MCP clients: a JWT (RFC 9068 access token, or any JWT with {@code typ} JWT or
 * none) signed by a key of the configured issuer, with that {@code iss}, Portico's audience in {@code aud}, a {@code
 * sub}, not expired and not before its {@code nbf} (allowing {@link #CLOCK_SKEW} either way), and every required
 * scope.
 *
 * <p>The issuer's keys come from the {@code jwks_uri} of its metadata, found through {@link Discovery} at the first
 * token (not at start, so that Portico starts while its identity provider is down) and fetched through {@link
 * OutboundHttp}. They are cached for {@code jwksCacheTtl}; a token signed with a key the cached set lacks (a rotated
 * key) makes Nimbus fetch the set again, at most once per {@link #REFRESH_INTERVAL}, so a stream of tokens with
 * made-up {@code kid}s cannot turn Portico into a load generator against the issuer. Only asymmetric algorithms of
 * the key types the set holds are accepted: never {@code none}, never HMAC (whose "key" would be public).
 *
 * <p>Safe for concurrent use.
 */
public final class InboundTokenValidator {

    /** How far the clocks of Portico and its identity provider may disagree. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    /** The least time between two fetches of the key set caused by unknown keys. */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(30);

    private static final DefaultJOSEObjectTypeVerifier<SecurityContext> TYPES =
            new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null);

    private final URI issuer;
    private final Supplier<Set<String>> audiences;
    private final List<String> requiredScopes;
    private final Duration jwksCacheTtl;
    private final Discovery discovery;
    private final OutboundHttp http;
    private final Clock clock;
    private volatile DefaultJWTProcessor<SecurityContext> processor;

    /**
     * @param audiences the {@code aud} values of which a token must hold one; a supplier because the default,
     *     Portico's public URL, may be known only once the listener is bound
     * @param http the client for the key set; not closed by this class
     */
    public InboundTokenValidator(
            URI issuer,
            Supplier<Set<String>> audiences,
            List<String> requiredScopes,
            Duration jwksCacheTtl,
            Discovery discovery,
            OutboundHttp http,
            Clock clock) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.audiences = Objects.requireNonNull(audiences, "audiences");
        this.requiredScopes = List.copyOf(requiredScopes);
        this.jwksCacheTtl = Objects.requireNonNull(jwksCacheTtl, "jwksCacheTtl");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The configured issuer, as tokens must name it. */
    public URI issuer() {
        return issuer;
    }

    /**
     * The user {@code token} was issued to.
     *
     * @throws InboundTokenException saying why the token is refused, or that the issuer's keys cannot be had now
     */
    public InboundUser validate(String token) throws InboundTokenException {
        JWTClaimsSet claims = verified(token, audiences.get());
        Set<String> scopes = scopes(claims);
        List<String> missing =
                requiredScopes.stream().filter(s -> !scopes.contains(s)).toList();
        if (!missing.isEmpty()) {
            throw new InboundTokenException(
                    InboundTokenException.Error.INSUFFICIENT_SCOPE,
                    "the token lacks the scope(s) " + String.join(" ", missing));
        }
        return new InboundUser(claims.getIssuer(), claims.getSubject(), scopes);
    }

    /**
     * The user an OpenID Connect ID token names (OpenID Connect Core §3.1.3.7): signed by the same issuer's keys, with
     * that {@code iss}, {@code clientId} in {@code aud}, a {@code sub}, and within its lifetime. For the browser
     * sign-in of the start-link check, whose ID token comes straight from the token endpoint.
     *
     * @throws InboundTokenException saying why the token is refused
     */
    public InboundUser validateIdToken(String idToken, String clientId) throws InboundTokenException {
        JWTClaimsSet claims = verified(idToken, Set.of(clientId));
        return new InboundUser(claims.getIssuer(), claims.getSubject(), Set.of());
    }

    private JWTClaimsSet verified(String token, Set<String> acceptedAudiences) throws InboundTokenException {
        JWTClaimsSet claims;
        try {
            claims = processor().process(token, null);
        } catch (ParseException e) {
            throw invalid("the token is not a JWT");
        } catch (KeySourceException e) {
            throw new InboundTokenException(
                    InboundTokenException.Error.TEMPORARILY_UNAVAILABLE,
                    "the identity provider's keys could not be fetched; try again later",
                    e);
        } catch (BadJOSEException e) {
            throw invalid(signatureProblem(e));
        } catch (JOSEException e) {
            throw invalid("the token's signature could not be checked");
        }
        checkClaims(claims, acceptedAudiences);
        return claims;
    }

    /** The processor, built at the first token once the issuer's metadata could be read. */
    private DefaultJWTProcessor<SecurityContext> processor() throws InboundTokenException, KeySourceException {
        DefaultJWTProcessor<SecurityContext> built = processor;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (processor == null) {
                processor = build();
            }
            return processor;
        }
    }

    private DefaultJWTProcessor<SecurityContext> build() throws InboundTokenException, KeySourceException {
        URI jwksUri;
        try {
            AuthorizationServerMetadata metadata = discovery.authorizationServer(issuer);
            jwksUri = metadata.getJWKSetURI();
        } catch (DiscoveryException e) {
            throw new InboundTokenException(
                    InboundTokenException.Error.TEMPORARILY_UNAVAILABLE,
                    "the identity provider's metadata could not be read; try again later",
                    e);
        }
        if (jwksUri == null) {
            throw new InboundTokenException(
                    InboundTokenException.Error.TEMPORARILY_UNAVAILABLE,
                    "the identity provider publishes no jwks_uri, so no token can be checked");
        }
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL(), new JwksRetriever(http))
                    .cache(jwksCacheTtl.toMillis(), JWKSourceBuilder.DEFAULT_CACHE_REFRESH_TIMEOUT)
                    .rateLimited(REFRESH_INTERVAL.toMillis())
                    .refreshAheadCache(false)
                    .retrying(false)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new InboundTokenException(
                    InboundTokenException.Error.TEMPORARILY_UNAVAILABLE,
                    "the identity provider's jwks_uri is not a URL",
                    e);
        }
        DefaultJWTProcessor<SecurityContext> built = new DefaultJWTProcessor<>();
        built.setJWSTypeVerifier(TYPES);
        // The algorithm families of the keys in the set: RSA or EC, so never HMAC and never none.
        built.setJWSKeySelector(JWSAlgorithmFamilyJWSKeySelector.fromJWKSource(keys));
        // The claims are checked afterwards, against the audiences of the kind of token (see verified).
        built.setJWTClaimsSetVerifier((claims, context) -> {});
        return built;
    }

    /** The checks after the signature's; their messages name no claim value. */
    private void checkClaims(JWTClaimsSet claims, Set<String> acceptedAudiences) throws InboundTokenException {
        if (!issuer.toString().equals(claims.getIssuer())) {
            throw invalid("the token is from another issuer");
        }
        List<String> audience = claims.getAudience();
        if (audience == null || audience.stream().noneMatch(acceptedAudiences::contains)) {
            throw invalid("the token is for another audience");
        }
        if (claims.getSubject() == null || claims.getSubject().isBlank()) {
            throw invalid("the token has no sub");
        }
        Instant now = clock.instant();
        Date expires = claims.getExpirationTime();
        if (expires == null) {
            throw invalid("the token has no exp");
        }
        if (!expires.toInstant().plus(CLOCK_SKEW).isAfter(now)) {
            throw invalid("the token has expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().minus(CLOCK_SKEW).isAfter(now)) {
            throw invalid("the token is not valid yet");
        }
    }

    private static String signatureProblem(BadJOSEException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("no matching key")) {
            return "no key of the identity provider matches the token's signature";
        }
        if (message.contains("typ")) {
            return "the token's typ is not JWT or at+jwt";
        }
        return "the token's signature is invalid";
    }

    /** RFC 9068 §2.2.3 {@code scope} (space-separated), or the {@code scp} list some providers use instead. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Set<String> scopes = new LinkedHashSet<>();
        Object scope = claims.getClaim("scope");
        if (scope instanceof String text && !text.isBlank()) {
            scopes.addAll(List.of(text.trim().split(" +")));
        }
        Object scp = claims.getClaim("scp");
        if (scp instanceof String text && !text.isBlank()) {
            scopes.addAll(List.of(text.trim().split(" +")));
        } else if (scp instanceof Collection<?> list) {
            list.forEach(item -> scopes.add(String.valueOf(item)));
        }
        return scopes;
    }

    private static InboundTokenException invalid(String description) {
        return new InboundTokenException(InboundTokenException.Error.INVALID_TOKEN, description);
    }
}
