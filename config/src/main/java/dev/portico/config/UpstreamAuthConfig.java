package dev.portico.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Portico signs a user in to one upstream ({@code upstreams[].auth}). Without it, sign-in is still attempted
 * when the upstream answers 401 with a Bearer challenge, using discovery and Portico's own client identity.
 *
 * @param scopes the scopes to request, overriding the challenge's and the protected-resource metadata's; empty =
 *     follow discovery
 * @param authorizationServer the authorization server's issuer, pinned for upstreams that publish no RFC 9728
 *     protected-resource metadata
 * @param clientId a client registered at the authorization server in advance; empty = CIMD or dynamic
 *     registration
 * @param clientSecret that client's secret, for confidential clients
 * @param clientAuthMethod how that client authenticates at the token endpoint; {@link ClientAuthMethod#NONE} when
 *     there is no secret
 * @param sendResource whether to send the RFC 8707 {@code resource} parameter; false for authorization servers
 *     that reject it
 * @param grant how tokens are obtained: a user's sign-in, or Portico's own client credentials
 * @param tokenExchange when set, tokens are obtained by exchanging the session's token for another upstream (RFC
 *     8693) instead of by a sign-in at this upstream's authorization server
 */
public record UpstreamAuthConfig(
        List<String> scopes,
        Optional<URI> authorizationServer,
        Optional<String> clientId,
        Optional<Secret> clientSecret,
        ClientAuthMethod clientAuthMethod,
        boolean sendResource,
        AuthGrant grant,
        Optional<TokenExchangeConfig> tokenExchange) {

    public UpstreamAuthConfig {
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(authorizationServer, "authorizationServer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(clientSecret, "clientSecret");
        Objects.requireNonNull(clientAuthMethod, "clientAuthMethod");
        if (clientSecret.isPresent() && clientId.isEmpty()) {
            throw new IllegalArgumentException("a client secret needs a client id");
        }
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(tokenExchange, "tokenExchange");
        if (grant == AuthGrant.CLIENT_CREDENTIALS && (clientId.isEmpty() || clientSecret.isEmpty())) {
            throw new IllegalArgumentException("the client_credentials grant needs a client id and secret");
        }
        if (grant == AuthGrant.CLIENT_CREDENTIALS && tokenExchange.isPresent()) {
            throw new IllegalArgumentException("client_credentials and token exchange exclude each other");
        }
    }

    /** A user's sign-in (authorization code), as before machine grants existed. */
    public UpstreamAuthConfig(
            List<String> scopes,
            Optional<URI> authorizationServer,
            Optional<String> clientId,
            Optional<Secret> clientSecret,
            ClientAuthMethod clientAuthMethod,
            boolean sendResource) {
        this(
                scopes,
                authorizationServer,
                clientId,
                clientSecret,
                clientAuthMethod,
                sendResource,
                AuthGrant.AUTHORIZATION_CODE,
                Optional.empty());
    }

    /**
     * Whether Portico obtains this upstream's tokens without a sign-in of its own: with client credentials, or by
     * exchanging another upstream's token.
     */
    public boolean machineGrant() {
        return grant == AuthGrant.CLIENT_CREDENTIALS || tokenExchange.isPresent();
    }

    /** No pinning, no pre-registered client: everything from discovery. */
    public static UpstreamAuthConfig discovered() {
        return new UpstreamAuthConfig(
                List.of(), Optional.empty(), Optional.empty(), Optional.empty(), ClientAuthMethod.NONE, true);
    }
}
