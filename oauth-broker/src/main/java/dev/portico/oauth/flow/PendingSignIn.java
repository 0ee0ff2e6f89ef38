package dev.portico.oauth.flow;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.portico.config.Secret;
import dev.portico.oauth.token.LogIds;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A sign-in that has started and not finished: what the callback needs to finish it, kept server-side until the
 * browser comes back.
 *
 * <p>Nothing of this reaches the MCP client except the start link ({@code startId}): the client never sees the PKCE
 * challenge or the state, and the state carries nothing readable (it is random, see {@link OpaqueValues}).
 *
 * @param state the OAuth {@code state} (RFC 6749 §10.12), single use, the key the callback finds the sign-in by
 * @param startId the opaque id in Portico's start link {@code /oauth/start/<startId>}
 * @param flowId names the sign-in to the MCP client that asked for it (the URL elicitation's {@code elicitationId}),
 *     so that it can be told when the sign-in completes; unlike the start id it opens nothing
 * @param owner whose sign-in this is: the downstream session (or principal) the token will belong to
 * @param target the upstream, its authorization server and Portico's client there
 * @param redirectUri the {@code redirect_uri} sent, which the code exchange must repeat (RFC 6749 §4.1.3)
 * @param verifier the PKCE {@code code_verifier} (RFC 7636 §4.1)
 * @param authorizationUrl where the start link sends the browser: the authorization endpoint with the request
 * @param createdAt when the sign-in started
 * @param expiresAt when the sign-in stops being usable, at the start link and at the callback
 * @param browserBinding the SHA-256 of the browser-binding cookie, once a browser opened the start link
 */
public record PendingSignIn(
        Secret state,
        String startId,
        String flowId,
        String owner,
        SignInTarget target,
        URI redirectUri,
        Secret verifier,
        URI authorizationUrl,
        Instant createdAt,
        Instant expiresAt,
        Optional<String> browserBinding) {

    public PendingSignIn {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startId, "startId");
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(authorizationUrl, "authorizationUrl");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(browserBinding, "browserBinding");
    }

    /**
     * Starts a sign-in: a fresh state, start id and PKCE verifier, and the authorization request (RFC 6749 §4.1.1)
     * with the S256 code challenge (RFC 7636 §4.3), the state, the redirect URI, the scopes if any, and the
     * resource (RFC 8707 §2) unless the target turns it off.
     */
    public static PendingSignIn start(
            String owner, SignInTarget target, URI redirectUri, Instant now, Duration timeToLive) {
        if (timeToLive.isNegative() || timeToLive.isZero()) {
            throw new IllegalArgumentException("timeToLive must be positive: " + timeToLive);
        }
        String state = OpaqueValues.random();
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest.Builder request = new AuthorizationRequest.Builder(
                        ResponseType.CODE, target.tokenEndpoint().client().clientId())
                .endpointURI(target.authorizationEndpoint())
                .redirectionURI(redirectUri)
                .state(new State(state))
                .codeChallenge(verifier, CodeChallengeMethod.S256);
        if (!target.scopes().isEmpty()) {
            request.scope(new Scope(target.scopes().toArray(String[]::new)));
        }
        target.resourceParameter().ifPresent(request::resources);
        return new PendingSignIn(
                Secret.of(state),
                OpaqueValues.random(),
                UUID.randomUUID().toString(),
                owner,
                target,
                redirectUri,
                Secret.of(verifier.getValue()),
                request.build().toURI(),
                now,
                now.plus(timeToLive),
                Optional.empty());
    }

    /** Whether the sign-in can no longer be used at {@code now}. */
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** How long the sign-in stays usable from {@code now}; zero once it expired. */
    public Duration remaining(Instant now) {
        return expiredAt(now) ? Duration.ZERO : Duration.between(now, expiresAt);
    }

    /** The same sign-in, bound to the browser whose cookie hashes to {@code bindingHash}. */
    public PendingSignIn boundTo(String bindingHash) {
        return new PendingSignIn(
                state,
                startId,
                flowId,
                owner,
                target,
                redirectUri,
                verifier,
                authorizationUrl,
                createdAt,
                expiresAt,
                Optional.of(bindingHash));
    }

    public String upstream() {
        return target.upstream();
    }

    public String issuer() {
        return target.issuer();
    }

    /**
     * Names the upstream, issuer and owner (shortened) only: the authorization URL carries the state, and the start
     * id is a link that binds the sign-in to whoever opens it first.
     */
    @Override
    public String toString() {
        return "PendingSignIn[upstream=" + target.upstream()
                + ", issuer=" + target.issuer()
                + ", owner=" + LogIds.owner(owner)
                + ", expiresAt=" + expiresAt + "]";
    }
}
