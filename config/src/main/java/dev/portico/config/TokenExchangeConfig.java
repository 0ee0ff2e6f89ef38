package dev.portico.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code upstreams[].auth.tokenExchange}: the upstream's tokens are obtained by exchanging (RFC 8693) the token the
 * session holds for another upstream, so that one sign-in at that upstream's authorization server also serves this
 * one, whose authorization server differs.
 *
 * @param subjectUpstream the name of the upstream with interactive sign-in whose access token, for the same session,
 *     is the {@code subject_token}
 * @param audience the RFC 8693 {@code audience} to ask for, when the authorization server wants a logical name besides
 *     the {@code resource}
 * @param scopes the {@code scope} to ask for; empty = none sent
 */
public record TokenExchangeConfig(String subjectUpstream, Optional<String> audience, List<String> scopes) {

    public TokenExchangeConfig {
        Objects.requireNonNull(subjectUpstream, "subjectUpstream");
        Objects.requireNonNull(audience, "audience");
        scopes = List.copyOf(scopes);
    }
}
