package dev.portico.oauth.token;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.AccessTokenType;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.portico.config.Secret;
import dev.portico.oauth.http.OutboundHttpException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Talks to token endpoints: the authorization code exchange (RFC 6749 §4.1.3 with the PKCE {@code code_verifier} of
 * RFC 7636 §4.5), the refresh (RFC 6749 §6), the client credentials grant (RFC 6749 §4.4) and the token exchange (RFC
 * 8693), each with the RFC 8707 {@code resource} when one is given.
 *
 * <p>Requests go through the given {@link HTTPRequestSender}, in production Portico's hardened outbound client, and
 * authenticate as the endpoint's {@code ClientIdentity} says: HTTP Basic or form secret for a confidential client,
 * {@code client_id} alone for a public one (RFC 6749 §3.2.1). Only {@code Bearer} access tokens are accepted: a
 * {@code DPoP}-bound one would need a proof Portico does not make.
 *
 * <p>Stateless apart from the sender; safe for concurrent use.
 */
public final class TokenClient {

    /**
     * The longest {@code expires_in} taken as said; longer ones are cut to this. A hundred years is "does not expire"
     * for every purpose, and any store can hold the date.
     */
    static final Duration MAX_LIFETIME = Duration.ofDays(36_525);

    private final HTTPRequestSender sender;
    private final Clock clock;

    public TokenClient(HTTPRequestSender sender, Clock clock) {
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Exchanges an authorization code.
     *
     * @param requestedScopes the scopes asked for at the authorization endpoint, taken as granted when the response
     *     has no {@code scope} (RFC 6749 §5.1)
     * @param resource the RFC 8707 resource, sent again here as RFC 8707 §2.2 expects; empty to send none
     */
    public TokenSet exchangeCode(
            TokenEndpoint endpoint,
            Secret code,
            URI redirectUri,
            Secret verifier,
            Optional<URI> resource,
            Collection<String> requestedScopes)
            throws TokenRequestException {
        AuthorizationGrant grant = new AuthorizationCodeGrant(
                new AuthorizationCode(code.reveal()), redirectUri, new CodeVerifier(verifier.reveal()));
        HTTPResponse response = send(endpoint, grant, resource);
        return read(endpoint, response, resource, Set.copyOf(requestedScopes), Optional.empty());
    }

    /**
     * Exchanges an authorization code of an OpenID Connect sign-in (scope {@code openid}) for its ID token (OpenID
     * Connect Core §3.1.3.3), which names the user; the access token is not kept. The caller validates the ID token.
     *
     * @throws TokenRequestException also when the answer holds no ID token
     */
    public Secret exchangeCodeForIdToken(TokenEndpoint endpoint, Secret code, URI redirectUri, Secret verifier)
            throws TokenRequestException {
        AuthorizationGrant grant = new AuthorizationCodeGrant(
                new AuthorizationCode(code.reveal()), redirectUri, new CodeVerifier(verifier.reveal()));
        HTTPResponse response = send(endpoint, grant, Optional.empty());
        accessTokenResponse(endpoint, response);
        Object idToken;
        try {
            idToken = response.getContentAsJSONObject().get("id_token");
        } catch (ParseException e) {
            throw TokenRequestException.malformed(endpoint.issuer(), "the token response is not a JSON object");
        }
        if (!(idToken instanceof String text) || text.isEmpty()) {
            throw TokenRequestException.malformed(endpoint.issuer(), "the token response has no id_token");
        }
        return Secret.of(text);
    }

    /**
     * Renews {@code current} with its refresh token, for {@code resource}: the same resource to renew an expired
     * token, another one of the same server to get a token for a second upstream without a new sign-in (RFC 8707
     * §2.2). The refresh token is kept when the server does not issue a new one.
     *
     * @throws IllegalArgumentException if {@code current} has no refresh token
     */
    public TokenSet refresh(TokenEndpoint endpoint, TokenSet current, Optional<URI> resource)
            throws TokenRequestException {
        Secret refreshToken = current.refreshToken()
                .orElseThrow(() -> new IllegalArgumentException("the token set has no refresh token"));
        AuthorizationGrant grant = new RefreshTokenGrant(new RefreshToken(refreshToken.reveal()));
        HTTPResponse response = send(endpoint, grant, resource);
        return read(endpoint, response, resource, current.scopes(), current.refreshToken());
    }

    /**
     * Obtains a token for Portico itself with its client credentials (RFC 6749 §4.4). The endpoint's client must be
     * confidential: the grant proves nothing without a secret.
     *
     * @param scopes the {@code scope} to ask for, taken as granted when the response has none; empty to send none
     */
    public TokenSet clientCredentials(TokenEndpoint endpoint, List<String> scopes, Optional<URI> resource)
            throws TokenRequestException {
        HTTPResponse response = send(endpoint, new ClientCredentialsGrant(), resource, scopes);
        return read(endpoint, response, resource, Set.copyOf(scopes), Optional.empty());
    }

    /**
     * Exchanges {@code subjectToken}, an access token of another issuer, for one of this endpoint's issuer (RFC 8693
     * §2.1, {@code subject_token_type} access token).
     *
     * @param audience the RFC 8693 {@code audience}, if the server wants one besides {@code resource}
     * @param scopes the {@code scope} to ask for; empty to send none
     */
    public TokenSet exchangeToken(
            TokenEndpoint endpoint,
            Secret subjectToken,
            Optional<String> audience,
            List<String> scopes,
            Optional<URI> resource)
            throws TokenRequestException {
        AuthorizationGrant grant = new TokenExchangeGrant(
                new TypelessAccessToken(subjectToken.reveal()),
                TokenTypeURI.ACCESS_TOKEN,
                null,
                null,
                null,
                audience.map(a -> List.of(new Audience(a))).orElse(null));
        HTTPResponse response = send(endpoint, grant, resource, scopes);
        return read(endpoint, response, resource, Set.copyOf(scopes), Optional.empty());
    }

    private HTTPResponse send(TokenEndpoint endpoint, AuthorizationGrant grant, Optional<URI> resource)
            throws TokenRequestException {
        return send(endpoint, grant, resource, List.of());
    }

    private HTTPResponse send(
            TokenEndpoint endpoint, AuthorizationGrant grant, Optional<URI> resource, List<String> scopes)
            throws TokenRequestException {
        TokenRequest.Builder builder;
        ClientAuthentication authentication = endpoint.client().authentication();
        if (authentication != null) {
            builder = new TokenRequest.Builder(endpoint.uri(), authentication, grant);
        } else {
            builder = new TokenRequest.Builder(endpoint.uri(), endpoint.client().clientId(), grant);
        }
        resource.ifPresent(builder::resources);
        if (!scopes.isEmpty()) {
            builder.scope(new Scope(scopes.toArray(String[]::new)));
        }
        try {
            return builder.build().toHTTPRequest().send(sender);
        } catch (OutboundHttpException e) {
            throw TokenRequestException.unreachable(endpoint.issuer(), e.getMessage());
        } catch (IOException e) {
            throw TokenRequestException.unreachable(
                    endpoint.issuer(), endpoint.uri() + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * The tokens in the token endpoint's answer, or the error it stands for. The part of every grant that reads what
     * the server sent, kept free of I/O so that it can be fuzzed ({@code TokenResponseFuzzTest}).
     *
     * @param requestedScopes taken as granted when the response has no {@code scope} (RFC 6749 §5.1)
     * @param previousRefreshToken kept when the response has no new refresh token
     */
    TokenSet read(
            TokenEndpoint endpoint,
            HTTPResponse httpResponse,
            Optional<URI> resource,
            Set<String> requestedScopes,
            Optional<Secret> previousRefreshToken)
            throws TokenRequestException {
        return tokenSet(
                endpoint, accessTokenResponse(endpoint, httpResponse), resource, requestedScopes, previousRefreshToken);
    }

    private static AccessTokenResponse accessTokenResponse(TokenEndpoint endpoint, HTTPResponse httpResponse)
            throws TokenRequestException {
        TokenResponse response;
        try {
            response = TokenResponse.parse(httpResponse);
        } catch (ParseException | IllegalArgumentException e) {
            // Nimbus throws IllegalArgumentException, not ParseException, for a Content-Type it cannot read (such as
            // "application/\u001f", whose subtype String.trim() empties).
            throw TokenRequestException.malformed(
                    endpoint.issuer(), "HTTP " + httpResponse.getStatusCode() + ", not an OAuth token response");
        }
        if (!response.indicatesSuccess()) {
            TokenErrorResponse error = response.toErrorResponse();
            ErrorObject object = error.getErrorObject();
            return throwError(endpoint, httpResponse.getStatusCode(), object);
        }
        return response.toSuccessResponse();
    }

    private static AccessTokenResponse throwError(TokenEndpoint endpoint, int status, ErrorObject error)
            throws TokenRequestException {
        String code = error == null ? null : error.getCode();
        String description = error == null ? null : error.getDescription();
        throw TokenRequestException.errorResponse(endpoint.issuer(), status, code, description);
    }

    private TokenSet tokenSet(
            TokenEndpoint endpoint,
            AccessTokenResponse response,
            Optional<URI> resource,
            Set<String> requestedScopes,
            Optional<Secret> previousRefreshToken)
            throws TokenRequestException {
        AccessToken accessToken = response.getTokens().getAccessToken();
        if (!AccessTokenType.BEARER.equals(accessToken.getType())) {
            throw TokenRequestException.malformed(
                    endpoint.issuer(), "token_type " + accessToken.getType() + " is not supported, only Bearer");
        }
        RefreshToken refreshToken = response.getTokens().getRefreshToken();
        Optional<Secret> refresh =
                refreshToken == null ? previousRefreshToken : Optional.of(Secret.of(refreshToken.getValue()));
        // A server may say any number; one past what a date can hold would overflow Instant.plusSeconds.
        long lifetime = Math.min(accessToken.getLifetime(), MAX_LIFETIME.toSeconds());
        Optional<Instant> expiresAt =
                lifetime > 0 ? Optional.of(Instant.now(clock).plusSeconds(lifetime)) : Optional.empty();
        Scope granted = accessToken.getScope();
        Set<String> scopes =
                granted == null ? requestedScopes : new LinkedHashSet<>(List.copyOf(granted.toStringList()));
        return new TokenSet(
                Secret.of(accessToken.getValue()),
                refresh,
                expiresAt,
                scopes,
                endpoint.issuer(),
                resource,
                endpoint.clientId());
    }
}
