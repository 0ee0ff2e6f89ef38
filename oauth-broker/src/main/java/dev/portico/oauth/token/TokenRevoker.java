package dev.portico.oauth.token;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import dev.portico.config.Secret;
import dev.portico.oauth.client.ServerText;
import dev.portico.oauth.http.OutboundHttpException;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Revokes tokens at an authorization server's revocation endpoint (RFC 7009), authenticating as at its token
 * endpoint (RFC 7009 §2.1), with the {@code token_type_hint} of the token's kind.
 *
 * <p>Requests go through the given {@link HTTPRequestSender}, in production Portico's hardened outbound client. An
 * outcome never holds the token. Stateless apart from the sender; safe for concurrent use.
 */
public final class TokenRevoker {

    /** Which token is revoked, for the {@code token_type_hint} and for messages. */
    public enum Kind {
        ACCESS_TOKEN("access_token"),
        REFRESH_TOKEN("refresh_token");

        private final String hint;

        Kind(String hint) {
            this.hint = hint;
        }

        /** The RFC 7009 §2.1 {@code token_type_hint} value, which also names the kind in messages and audit lines. */
        public String hint() {
            return hint;
        }
    }

    /**
     * What the revocation endpoint said.
     *
     * @param error empty when the token is revoked; else the server's {@code error} code, or {@code unreachable} or
     *     {@code malformed_response} of Portico's own
     * @param problem empty when revoked; else a sentence naming the issuer and what went wrong, free of secrets
     */
    public record Outcome(Optional<String> error, Optional<String> problem) {

        public Outcome {
            Objects.requireNonNull(error, "error");
            Objects.requireNonNull(problem, "problem");
        }

        static Outcome success() {
            return new Outcome(Optional.empty(), Optional.empty());
        }

        static Outcome failed(String error, String problem) {
            return new Outcome(Optional.of(error), Optional.of(problem));
        }

        public boolean revoked() {
            return error.isEmpty();
        }
    }

    private final HTTPRequestSender sender;

    public TokenRevoker(HTTPRequestSender sender) {
        this.sender = Objects.requireNonNull(sender, "sender");
    }

    /**
     * Revokes {@code token} at {@code endpoint}'s revocation endpoint.
     *
     * @throws IllegalArgumentException if the endpoint has no revocation endpoint
     */
    public Outcome revoke(TokenEndpoint endpoint, Secret token, Kind kind) {
        URI uri = endpoint.revocationUri()
                .orElseThrow(() -> new IllegalArgumentException(endpoint.issuer() + " has no revocation endpoint"));
        Token typed =
                kind == Kind.REFRESH_TOKEN ? new RefreshToken(token.reveal()) : new BearerAccessToken(token.reveal());
        ClientAuthentication authentication = endpoint.client().authentication();
        TokenRevocationRequest request = authentication != null
                ? new TokenRevocationRequest(uri, authentication, typed)
                : new TokenRevocationRequest(uri, endpoint.client().clientId(), typed);
        String what = "Revoking the " + kind.hint().replace('_', ' ') + " at " + endpoint.issuer();
        HTTPResponse response;
        try {
            response = request.toHTTPRequest().send(sender);
        } catch (OutboundHttpException e) {
            return Outcome.failed("unreachable", what + " failed: " + e.getMessage());
        } catch (IOException e) {
            return Outcome.failed(
                    "unreachable",
                    what + " failed: " + uri + ": " + e.getClass().getSimpleName());
        }
        // RFC 7009 §2.2: 200 whether or not the token was still valid; anything else is an error response.
        if (response.getStatusCode() == 200) {
            return Outcome.success();
        }
        ErrorObject error = ErrorObject.parse(response);
        if (error.getCode() == null) {
            return Outcome.failed(
                    "malformed_response",
                    what + " failed: HTTP " + response.getStatusCode() + " without an error code");
        }
        String code = ServerText.forMessage(error.getCode());
        String description = Optional.ofNullable(error.getDescription())
                .map(d -> " (" + ServerText.forMessage(d) + ")")
                .orElse("");
        return Outcome.failed(code, what + " failed: HTTP " + response.getStatusCode() + " " + code + description);
    }
}
