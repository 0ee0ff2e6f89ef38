package dev.portico.aggregator.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subject tokens a token exchange (RFC 8693) may present at the demo identity provider: JWTs signed by one of the
 * identity providers it was told to trust ({@link DemoIdentityProvider.Builder#trustSubjectTokensFrom}), issued by it,
 * with a subject, and not expired. The mock behind the front would accept any JWT at all.
 *
 * <p>The trusted providers are asked for their issuer and keys at the first exchange, since they may start after this
 * one is built. Safe for concurrent use.
 */
final class DemoSubjectTokens {

    /** The subject when the token is accepted, else why not. */
    record Verdict(Optional<String> subject, String problem) {}

    private final List<DemoIdentityProvider> trusted;
    private final Map<String, DefaultJWTProcessor<SecurityContext>> processors = new ConcurrentHashMap<>();

    DemoSubjectTokens(List<DemoIdentityProvider> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    Verdict verify(String token) {
        String issuer;
        try {
            issuer = SignedJWT.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            return new Verdict(Optional.empty(), "subject_token is not a signed JWT");
        }
        Optional<DemoIdentityProvider> provider = trusted.stream()
                .filter(p -> p.issuer().toString().equals(issuer))
                .findFirst();
        if (provider.isEmpty()) {
            return new Verdict(Optional.empty(), "subject_token is not from an issuer this identity provider trusts");
        }
        try {
            JWTClaimsSet claims = processors
                    .computeIfAbsent(issuer, i -> processor(provider.get()))
                    .process(token, null);
            return new Verdict(Optional.of(claims.getSubject()), "");
        } catch (ParseException | BadJOSEException | JOSEException e) {
            return new Verdict(Optional.empty(), "subject_token is not valid: " + e.getMessage());
        }
    }

    private static DefaultJWTProcessor<SecurityContext> processor(DemoIdentityProvider provider) {
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.<SecurityContext>create(provider.jwksUri().toURL())
                    .retrying(false)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("the JWK set URL is not a URL: " + provider.jwksUri(), e);
        }
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
        // Mutable sets: the verifier probes them with contains(null), which Set.of rejects.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                null,
                new JWTClaimsSet.Builder().issuer(provider.issuer().toString()).build(),
                new HashSet<>(Set.of("sub", "exp")),
                new HashSet<>()));
        return processor;
    }
}
