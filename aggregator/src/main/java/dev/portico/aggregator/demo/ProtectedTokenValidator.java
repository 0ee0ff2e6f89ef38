package dev.portico.aggregator.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Validates the bearer tokens of a {@link ProtectedDemoUpstream}: a JWT signed with a key from the identity
 * provider's JWK set, issued by that provider, not expired, and with this upstream's resource URL in {@code aud}
 * (RFC 8707 §2, MCP authorization "Token Audience Binding and Validation"), so that a token meant for another server
 * is refused.
 *
 * <p>A token the identity provider reports revoked (RFC 7009, through {@code revokedAtIssuer}) is refused. {@link
 * #revokeAll()} stands in for a revocation the identity provider does not know of: tokens seen so far, and tokens
 * issued in an earlier second, fail from then on. Safe for concurrent use.
 */
final class ProtectedTokenValidator {

    /**
     * The outcome: the token's subject and scopes, or why it is refused and whether that is the token's fault.
     *
     * @param scopes the token's {@code scope} claim, split; empty when it has none
     */
    record Outcome(Optional<String> subject, Set<String> scopes, String problem, boolean keysUnavailable) {

        Outcome {
            scopes = Set.copyOf(scopes);
        }

        static Outcome valid(String subject, Set<String> scopes) {
            return new Outcome(Optional.of(subject), scopes, "", false);
        }

        static Outcome invalid(String problem) {
            return new Outcome(Optional.empty(), Set.of(), problem, false);
        }

        static Outcome unavailable(String problem) {
            return new Outcome(Optional.empty(), Set.of(), problem, true);
        }
    }

    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private volatile Instant issuedNoEarlierThan = Instant.EPOCH;

    private final Predicate<String> revokedAtIssuer;

    /** @param revokedAtIssuer whether the identity provider revoked a token; consulted for every valid token */
    ProtectedTokenValidator(URI issuer, URI jwksUri, URI resource, Predicate<String> revokedAtIssuer) {
        this.revokedAtIssuer = revokedAtIssuer;
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(jwksUri.toURL())
                    .retrying(false)
                    .build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the JWK set URL is not a URL: " + jwksUri, e);
        }
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        // Mutable sets: the verifier probes them with contains(null), which Set.of rejects.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                new HashSet<>(Set.of(resource.toString())),
                new JWTClaimsSet.Builder().issuer(issuer.toString()).build(),
                new HashSet<>(Set.of("sub", "exp", "iat", "jti")),
                new HashSet<>()));
    }

    Outcome validate(String token) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            return Outcome.invalid("the token is not a JWT");
        } catch (KeySourceException e) {
            return Outcome.unavailable("the identity provider's keys could not be fetched: " + e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            return Outcome.invalid("the token is not valid here: " + e.getMessage());
        }
        String jti = claims.getJWTID();
        if (revoked.contains(jti)
                || claims.getIssueTime().toInstant().isBefore(issuedNoEarlierThan)
                || revokedAtIssuer.test(token)) {
            return Outcome.invalid("the token has been revoked");
        }
        seen.add(jti);
        return Outcome.valid(claims.getSubject(), scopes(claims));
    }

    /** RFC 9068 §2.2.3: {@code scope} is a space-separated string. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scope = claims.getClaim("scope");
        if (!(scope instanceof String text) || text.isBlank()) {
            return Set.of();
        }
        return Set.of(text.trim().split(" +"));
    }

    /**
     * Makes every token presented so far fail, and every token issued before the current second: {@code iat} has
     * whole seconds, so a token issued in this same second and never presented stays valid.
     */
    void revokeAll() {
        revoked.addAll(seen);
        seen.removeAll(revoked);
        issuedNoEarlierThan = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
