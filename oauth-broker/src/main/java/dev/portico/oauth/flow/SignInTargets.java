package dev.portico.oauth.flow;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.portico.config.UpstreamAuthConfig;
import dev.portico.oauth.challenge.BearerChallenge;
import dev.portico.oauth.client.ClientIdentity;
import dev.portico.oauth.client.ClientRegistrationException;
import dev.portico.oauth.client.ClientRegistry;
import dev.portico.oauth.discovery.DiscoveredAuthorization;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.discovery.DiscoveryException;
import dev.portico.oauth.discovery.ProtectedResourceMetadata;
import dev.portico.oauth.token.TokenEndpoint;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Works out the {@link SignInTarget} of an upstream that asked for a token: discovery (RFC 9728, RFC 8414), then
 * Portico's client identity at the chosen authorization server, then the scopes ({@link ScopeChoice}).
 *
 * <p>May use the network (metadata fetches, a dynamic registration); both steps cache what they can. Safe for
 * concurrent use.
 */
public final class SignInTargets {

    private final Discovery discovery;
    private final ClientRegistry clients;

    public SignInTargets(Discovery discovery, ClientRegistry clients) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /**
     * The target for {@code upstream}.
     *
     * @param challenge the upstream's Bearer challenge, if it sent a usable one
     * @throws DiscoveryException if the metadata cannot be found or fails a check, or lacks an endpoint a sign-in
     *     needs
     * @throws ClientRegistrationException if Portico has no client identity at the authorization server
     */
    public SignInTarget resolve(String upstream, URI url, UpstreamAuthConfig auth, Optional<BearerChallenge> challenge)
            throws DiscoveryException, ClientRegistrationException {
        DiscoveredAuthorization found = discovery.discover(url, challenge, auth.authorizationServer());
        AuthorizationServerMetadata server = found.authorizationServer();
        String issuer = server.getIssuer().getValue();
        URI authorizationEndpoint =
                requireEndpoint(issuer, "authorization_endpoint", server.getAuthorizationEndpointURI());
        URI tokenEndpoint = requireEndpoint(issuer, "token_endpoint", server.getTokenEndpointURI());
        ClientIdentity client = clients.identify(upstream, auth, server);
        List<String> challenged = challenge.map(BearerChallenge::scope).orElse(List.of());
        List<String> supported = found.resourceMetadata()
                .map(ProtectedResourceMetadata::scopesSupported)
                .orElse(List.of());
        List<String> serverScopes =
                server.getScopes() == null ? List.of() : server.getScopes().toStringList();
        return new SignInTarget(
                upstream,
                found.resource(),
                auth.sendResource(),
                ScopeChoice.withOfflineAccess(
                        ScopeChoice.choose(auth.scopes(), challenged, supported), auth.scopes(), serverScopes),
                Set.copyOf(ScopeChoice.choose(auth.scopes(), challenged, List.of())),
                authorizationEndpoint,
                new TokenEndpoint(issuer, tokenEndpoint, client, revocationEndpoint(server)),
                server.supportsAuthorizationResponseIssuerParam());
    }

    /** The {@code revocation_endpoint}, if the server names an http(s) one; an unusable one is as good as none. */
    private static Optional<URI> revocationEndpoint(AuthorizationServerMetadata server) {
        URI endpoint = server.getRevocationEndpointURI();
        if (endpoint == null || !endpoint.isAbsolute() || endpoint.getHost() == null) {
            return Optional.empty();
        }
        String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || scheme.equals("http") ? Optional.of(endpoint) : Optional.empty();
    }

    /**
     * RFC 8414 §2 makes both endpoints required for the code grant; the authorization endpoint also ends up in a
     * browser's {@code Location}, so nothing but an absolute http(s) URL is accepted there.
     */
    private static URI requireEndpoint(String issuer, String name, URI endpoint) throws DiscoveryException {
        if (endpoint == null) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.METADATA_INVALID,
                    "the authorization server " + issuer + " has no " + name + " in its metadata (RFC 8414 §2)");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!endpoint.isAbsolute()
                || endpoint.getHost() == null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new DiscoveryException(
                    DiscoveryException.Reason.METADATA_INVALID,
                    "the " + name + " of the authorization server " + issuer + " is not an absolute http(s) URL");
        }
        return endpoint;
    }
}
