package dev.portico.oauth.client;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.http.HTTPRequestSender;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import dev.portico.config.UpstreamAuthConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses Portico's client identity for a sign-in, in the order of the MCP authorization spec (2025-11-25, "Client
 * Registration Approaches"): a client configured for the upstream; else Portico's Client ID Metadata Document URL
 * when the authorization server advertises {@code client_id_metadata_document_supported}; else a dynamic registration
 * (RFC 7591) at its {@code registration_endpoint}; else an error telling the admin to configure {@code auth.clientId}.
 *
 * <p>A dynamic registration belongs to the authorization server, not to a session or an upstream: it is made once
 * per issuer and reused by every sign-in there. Concurrent sign-ins for one issuer share a single registration
 * request. A failed registration is not remembered, so the next sign-in tries again; a registration whose secret
 * expires ({@code client_secret_expires_at}) is replaced by a new one. Registrations are kept in a {@link
 * RegistrationStore} per issuer and redirect URI: in memory by default (after a restart Portico registers again,
 * which RFC 7591 servers allow), or shared by the replicas of a deployment.
 *
 * <p>Safe for concurrent use.
 */
public final class ClientRegistry {

    /** The authorization server metadata member by which a server says it fetches Client ID Metadata Documents. */
    public static final String CIMD_SUPPORTED = "client_id_metadata_document_supported";

    private static final Logger LOG = LoggerFactory.getLogger(ClientRegistry.class);

    private final PorticoClient portico;
    private final DynamicClientRegistration registration;
    private final RegistrationStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, CompletableFuture<RegisteredClient>> registrations =
            new ConcurrentHashMap<>();
    private final Set<String> warnedUpstreams = ConcurrentHashMap.newKeySet();
    private final Set<String> announcedIssuers = ConcurrentHashMap.newKeySet();

    /** Keeping registrations in memory. */
    public ClientRegistry(PorticoClient portico, HTTPRequestSender sender) {
        this(portico, sender, new InMemoryRegistrationStore(), Clock.systemUTC());
    }

    /** Keeping registrations in {@code store}. */
    public ClientRegistry(PorticoClient portico, HTTPRequestSender sender, RegistrationStore store) {
        this(portico, sender, store, Clock.systemUTC());
    }

    /** With the clock that decides whether a registered client secret has expired. */
    ClientRegistry(PorticoClient portico, HTTPRequestSender sender, Clock clock) {
        this(portico, sender, new InMemoryRegistrationStore(), clock);
    }

    ClientRegistry(PorticoClient portico, HTTPRequestSender sender, RegistrationStore store, Clock clock) {
        this.portico = Objects.requireNonNull(portico, "portico");
        this.registration = new DynamicClientRegistration(portico, Objects.requireNonNull(sender, "sender"));
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Picks the identity for a sign-in at this authorization server for this upstream. May register over the
     * network, at most once per issuer at a time; concurrent callers for one issuer wait for and share that one
     * registration.
     *
     * @param upstreamName the upstream being signed in to, named in messages
     * @param auth the upstream's {@code auth} config; its {@code clientId}, {@code clientSecret} and {@code
     *     clientAuthMethod} are the configured client
     * @param server the authorization server's validated metadata
     * @throws ClientRegistrationException when no identity can be had; the message says why and what to configure
     */
    public ClientIdentity identify(String upstreamName, UpstreamAuthConfig auth, AuthorizationServerMetadata server)
            throws ClientRegistrationException {
        Objects.requireNonNull(upstreamName, "upstreamName");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(server, "server");
        String issuer = server.getIssuer().getValue();
        if (auth.clientId().isPresent()) {
            return configured(upstreamName, issuer, auth, server);
        }
        boolean documentsSupported = Boolean.TRUE.equals(server.getCustomParameter(CIMD_SUPPORTED));
        URI documentUrl = documentsSupported ? portico.metadataDocumentUrl().get() : null;
        if (documentUrl != null && isUsableClientIdUrl(documentUrl)) {
            if (announcedIssuers.add(issuer)) {
                LOG.info(
                        "Using Portico's Client ID Metadata Document at authorization server {}: client_id={}, source={}",
                        issuer,
                        documentUrl,
                        ClientIdentity.Source.METADATA_DOCUMENT);
            }
            return ClientIdentity.publicClient(
                    new ClientID(documentUrl.toString()), ClientIdentity.Source.METADATA_DOCUMENT);
        }
        if (server.getRegistrationEndpointURI() != null) {
            return registered(upstreamName, issuer, server).identity();
        }
        throw noIdentity(upstreamName, issuer, documentUrl);
    }

    private ClientIdentity configured(
            String upstream, String issuer, UpstreamAuthConfig auth, AuthorizationServerMetadata server)
            throws ClientRegistrationException {
        String clientId = auth.clientId().orElseThrow();
        ClientAuthMethod method = auth.clientAuthMethod();
        Optional<Secret> secret = auth.clientSecret();
        if (clientId.isBlank()) {
            throw new ClientRegistrationException(
                    upstream,
                    issuer,
                    "Upstream '" + upstream + "' has an empty auth.clientId; set the client_id " + "registered at "
                            + issuer + ", or remove auth.clientId to let Portico register itself.");
        }
        if (method == ClientAuthMethod.NONE && secret.isPresent()) {
            throw new ClientRegistrationException(
                    upstream,
                    issuer,
                    "Upstream '" + upstream + "' sets auth.clientSecret but auth.clientAuthMethod is "
                            + "none; set auth.clientAuthMethod to client_secret_basic or client_secret_post, or remove "
                            + "auth.clientSecret for a public client.");
        }
        if (method != ClientAuthMethod.NONE && secret.isEmpty()) {
            throw new ClientRegistrationException(
                    upstream,
                    issuer,
                    "Upstream '" + upstream + "' sets auth.clientAuthMethod to "
                            + method.configName() + " but no auth.clientSecret; add the secret or use none for a "
                            + "public client.");
        }
        warnIfUnsupported(upstream, issuer, method, server.getTokenEndpointAuthMethods());
        return new ClientIdentity(new ClientID(clientId), secret, method, ClientIdentity.Source.CONFIGURED);
    }

    /** The admin chose the method, so it is used; the warning explains a token endpoint that then refuses it. */
    private void warnIfUnsupported(
            String upstream, String issuer, ClientAuthMethod method, List<ClientAuthenticationMethod> supported) {
        if (supported == null || supported.isEmpty()) {
            return;
        }
        List<String> names =
                supported.stream().map(ClientAuthenticationMethod::getValue).collect(Collectors.toList());
        if (!names.contains(method.configName()) && warnedUpstreams.add(upstream)) {
            LOG.warn(
                    "Upstream '{}': auth.clientAuthMethod {} is not in token_endpoint_auth_methods_supported {} of "
                            + "authorization server {}; using it as configured",
                    upstream,
                    method.configName(),
                    ServerText.forMessage(names.toString()),
                    issuer);
        }
    }

    private RegisteredClient registered(String upstream, String issuer, AuthorizationServerMetadata server)
            throws ClientRegistrationException {
        while (true) {
            CompletableFuture<RegisteredClient> pending = new CompletableFuture<>();
            CompletableFuture<RegisteredClient> existing = registrations.putIfAbsent(issuer, pending);
            if (existing == null) {
                return register(upstream, issuer, server, pending);
            }
            // A registration that finishes while this caller waits is fresh by definition, even if short-lived.
            boolean fresh = !existing.isDone();
            RegisteredClient client = await(upstream, issuer, existing);
            if (fresh || client.usableAt(clock.instant())) {
                return client;
            }
            if (registrations.remove(issuer, existing)) {
                LOG.info(
                        "Client secret of client_id={} at authorization server {} expires at {}; registering again",
                        ServerText.forMessage(client.identity().clientId().getValue()),
                        issuer,
                        client.secretExpiresAt().map(Instant::toString).orElse("?"));
            }
        }
    }

    private RegisteredClient register(
            String upstream,
            String issuer,
            AuthorizationServerMetadata server,
            CompletableFuture<RegisteredClient> pending)
            throws ClientRegistrationException {
        RegisteredClient client;
        URI redirectUri = portico.redirectUri().get();
        try {
            // Kept by an earlier run, or by another replica sharing the store: no need to register again.
            Optional<RegisteredClient> kept = store.find(issuer, redirectUri).filter(c -> c.usableAt(clock.instant()));
            if (kept.isPresent()) {
                pending.complete(kept.get());
                return kept.get();
            }
            client = registration.register(server);
            store.put(issuer, redirectUri, client);
        } catch (RegistrationFailure failure) {
            forget(issuer, pending, failure);
            throw registrationFailed(upstream, issuer, failure);
        } catch (RuntimeException | Error e) {
            forget(issuer, pending, e);
            throw e;
        }
        LOG.info(
                "Registered Portico at authorization server {}: client_id={}, token_endpoint_auth_method={}, "
                        + "source={}",
                issuer,
                ServerText.forMessage(client.identity().clientId().getValue()),
                client.identity().method().configName(),
                ClientIdentity.Source.DYNAMIC_REGISTRATION);
        pending.complete(client);
        return client;
    }

    /** Failures are not cached: the waiters see this one, the next caller starts over. */
    private void forget(String issuer, CompletableFuture<RegisteredClient> pending, Throwable failure) {
        registrations.remove(issuer, pending);
        pending.completeExceptionally(failure);
    }

    private static RegisteredClient await(String upstream, String issuer, CompletableFuture<RegisteredClient> future)
            throws ClientRegistrationException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientRegistrationException(
                    upstream,
                    issuer,
                    "Interrupted while waiting for Portico's dynamic client registration at authorization server "
                            + issuer + " for upstream '" + upstream + "'.",
                    e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            RegistrationFailure failure = cause instanceof RegistrationFailure
                    ? (RegistrationFailure) cause
                    : new RegistrationFailure(
                            "an unexpected " + cause.getClass().getSimpleName(), cause);
            throw registrationFailed(upstream, issuer, failure);
        }
    }

    private static ClientRegistrationException registrationFailed(
            String upstream, String issuer, RegistrationFailure failure) {
        return new ClientRegistrationException(
                upstream,
                issuer,
                "Dynamic client registration of Portico at authorization server " + issuer + " for upstream '"
                        + upstream + "' failed: " + failure.detail() + ". To use a client registered in advance, set "
                        + "auth.clientId (and auth.clientSecret for a confidential client) for upstream '" + upstream
                        + "'.",
                failure);
    }

    private ClientRegistrationException noIdentity(String upstream, String issuer, URI unusableDocumentUrl) {
        String documents = unusableDocumentUrl == null
                ? "it does not advertise " + CIMD_SUPPORTED
                : "it supports Client ID Metadata Documents but Portico's document URL " + unusableDocumentUrl
                        + " is not an https URL with a path, so it cannot be a client_id";
        return new ClientRegistrationException(
                upstream,
                issuer,
                "Upstream '" + upstream + "' needs a sign-in at authorization server " + issuer
                        + ", but Portico has no client there: none is configured for the upstream, " + documents
                        + ", and it has no registration_endpoint for dynamic client registration. Register Portico at "
                        + issuer + " with redirect URI " + portico.redirectUri().get()
                        + " and set auth.clientId (and auth.clientSecret for a confidential client) for upstream '"
                        + upstream + "'.");
    }

    /**
     * A Client ID Metadata Document URL must be https with a path and no fragment or credentials (draft-ietf-oauth-
     * client-id-metadata-document §3); a deployment on plain http falls back to dynamic registration. Plain http on
     * a loopback host is accepted, as config accepts it: an authorization server on the same machine (a local
     * development identity provider, the demo) can fetch it, and no other can.
     */
    static boolean isUsableClientIdUrl(URI url) {
        return ("https".equalsIgnoreCase(url.getScheme())
                        || ("http".equalsIgnoreCase(url.getScheme()) && isLoopbackHost(url.getHost())))
                && url.getHost() != null
                && url.getRawUserInfo() == null
                && url.getRawFragment() == null
                && url.getRawPath() != null
                && !url.getRawPath().isEmpty();
    }

    private static boolean isLoopbackHost(String host) {
        return host != null
                && (host.equalsIgnoreCase("localhost")
                        || host.startsWith("127.")
                        || host.equals("[::1]")
                        || host.equals("::1"));
    }
}
