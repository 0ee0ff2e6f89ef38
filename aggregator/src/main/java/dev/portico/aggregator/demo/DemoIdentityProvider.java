package dev.portico.aggregator.demo;

import dev.portico.config.ClientAuthMethod;
import dev.portico.config.Secret;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local OAuth 2.1 authorization server for {@code portico demo} and for end-to-end tests: the tokens come from
 * {@code no.nav.security:mock-oauth2-server}, and a small "front" served by this class on its own Jetty server adds
 * what an MCP-ready authorization server has and the mock lacks.
 *
 * <p>The issuer is {@code http://127.0.0.1:PORT/demo-idp}. The front serves:
 *
 * <ul>
 *   <li>RFC 8414 metadata at {@code /.well-known/oauth-authorization-server/demo-idp} (path inserted after the host,
 *       RFC 8414 §3.1), with {@code code_challenge_methods_supported} ["S256"], {@code
 *       client_id_metadata_document_supported}, {@code registration_endpoint} and RFC 9207's {@code
 *       authorization_response_iss_parameter_supported}, each switchable for tests;
 *   <li>{@code /demo-idp/authorize}: knows its clients (pre-registered, registered through DCR, or identified by a
 *       Client ID Metadata Document fetched from a loopback URL), requires the exact registered redirect URI and PKCE
 *       with S256, then obtains the code from the mock and redirects the browser with it (plus {@code iss}); with
 *       {@link Builder#interactiveLogin} it first shows the mock's login page, whose form posts back to it;
 *   <li>{@code /demo-idp/token}: authenticates the client the way it registered (none, client_secret_basic or
 *       client_secret_post), checks that the code or refresh token belongs to that client and that the code comes with
 *       its redirect URI and a PKCE verifier, and passes the request on to the mock, which verifies the verifier and
 *       signs the tokens;
 *   <li>{@code /demo-idp/register}: a minimal RFC 7591 endpoint;
 *   <li>{@code /demo-idp/revoke}: an RFC 7009 endpoint (advertised as {@code revocation_endpoint} unless switched off)
 *       that authenticates the client like the token endpoint; a revoked refresh token is refused by the token
 *       endpoint from then on, and a revoked access token by every {@link ProtectedDemoUpstream} built with {@link
 *       ProtectedDemoUpstream#builder(String, DemoIdentityProvider)}, which asks {@link #isRevoked} (in place of
 *       RFC 7662 introspection, which the JWT-validating upstream would otherwise need).
 * </ul>
 *
 * <p>The token endpoint also serves machines: the {@code client_credentials} grant to confidential clients (the token's
 * {@code sub} is the client id), and the RFC 8693 token exchange to confidential clients presenting an access token of
 * an identity provider this one trusts ({@link Builder#trustSubjectTokensFrom}); the exchanged token keeps the
 * subject token's {@code sub} and is issued by this provider for the request's {@code resource} and {@code audience}.
 *
 * <p>The mock itself enforces nothing about clients: it accepts any client id and never checks a client secret, and
 * it only verifies PKCE when a verifier is sent. Everything in the list above that concerns clients is therefore the
 * front's doing; see {@code docs/decisions/0003-mock-oauth2-server-as-demo-idp.md}.
 *
 * <p>Access tokens are JWTs signed with the mock's key (published at {@link #jwksUri()}), with {@code iss} the issuer
 * above, {@code aud} the RFC 8707 {@code resource} parameters of the token request (authorization code and refresh
 * grants alike; none means no audience), {@code sub} the signed-in user, {@code client_id} and, when the authorization
 * request had one, {@code scope}. Every sign-in is approved at once as {@link Builder#defaultSubject}, or as the user
 * named by {@link #signInNextAs} for the next one; with {@link Builder#interactiveLogin} the browser is shown the
 * mock's login page instead, and the user typed in there signs in.
 *
 * <pre>{@code
 * try (DemoIdentityProvider idp = DemoIdentityProvider.builder().build().start()) {
 *     URI issuer = idp.issuer(); // http://127.0.0.1:54321/demo-idp
 * }
 * }</pre>
 *
 * <p>Demo use only: state lives in memory and grows with sign-ins. Listens on 127.0.0.1 only. Safe for concurrent use;
 * sign-ins and token requests reach the mock one at a time, because the mock keeps its codes in unsynchronized maps.
 */
public final class DemoIdentityProvider implements AutoCloseable {

    /** The issuer's path: the issuer is {@code http://127.0.0.1:PORT/demo-idp}. */
    public static final String ISSUER_PATH = "demo-idp";

    /** The user every sign-in approves unless {@link #signInNextAs} says otherwise. */
    public static final String DEFAULT_SUBJECT = "demo-user";

    /** The scopes advertised unless configured. */
    public static final List<String> DEFAULT_SCOPES = List.of("demo.read", "demo.write");

    static final String HOST = "127.0.0.1";

    private static final Logger log = LoggerFactory.getLogger(DemoIdentityProvider.class);

    /*
     * okhttp's MockWebServer, under the mock, logs every request at INFO through java.util.logging, which would print
     * to the demo's console. JUL holds loggers weakly, so the configured one is kept here.
     */
    private static final java.util.logging.Logger MOCK_WEB_SERVER_LOG =
            java.util.logging.Logger.getLogger("okhttp3.mockwebserver");

    private final DemoIdpOptions options;
    private final DemoClientRegistry clients;
    private final DemoSignIns signIns;
    private final DemoIdpActivity activity = new DemoIdpActivity();
    private final DemoRevocations revocations = new DemoRevocations();

    private MockOAuth2Server mock;
    private Server jetty;
    private volatile DemoIdpEndpoints endpoints;

    private DemoIdentityProvider(DemoIdpOptions options) {
        this.options = options;
        this.clients = new DemoClientRegistry(options.clients());
        this.signIns = new DemoSignIns(options.defaultSubject());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the mock on a free loopback port and the front on {@link Builder#port}.
     *
     * @return this
     * @throws IllegalStateException if already started or a port cannot be bound
     */
    public synchronized DemoIdentityProvider start() {
        if (jetty != null) {
            throw new IllegalStateException("demo identity provider already started at " + endpoints.issuer());
        }
        MOCK_WEB_SERVER_LOG.setLevel(Level.WARNING);
        InetAddress loopback = loopback();
        DemoAudienceCallback callback = new DemoAudienceCallback(signIns, options.tokenLifetime());
        MockOAuth2Server newMock = new MockOAuth2Server(new OAuth2Config(
                options.interactiveLogin(), null, null, false, new OAuth2TokenProvider(), Set.of(callback)));
        newMock.start(loopback, 0);

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("portico-demo-idp");
        threads.setStopTimeout(1_000);
        Server http = new Server(threads);
        ServerConnector connector = new ServerConnector(http);
        connector.setHost(HOST);
        connector.setPort(options.port());
        http.addConnector(connector);
        http.setStopTimeout(0);
        try {
            connector.open(); // binds now, so that the endpoints (which name the port) exist before any request
            DemoIdpEndpoints bound = DemoIdpEndpoints.of(
                    connector.getLocalPort(),
                    newMock.getConfig().getHttpServer().port());
            http.setHandler(frontHandler(bound));
            http.start();
            this.endpoints = bound;
        } catch (Exception e) {
            newMock.shutdown();
            try {
                http.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException(
                    "could not start the demo identity provider on " + HOST + ":" + options.port(), e);
        }
        this.mock = newMock;
        this.jetty = http;
        log.info("Demo identity provider listening, issuer {}", endpoints.issuer());
        return this;
    }

    private ServletContextHandler frontHandler(DemoIdpEndpoints bound) {
        Object mockLock = new Object();
        DemoCimdFetcher fetcher = new DemoCimdFetcher();
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(
                new ServletHolder(
                        "metadata", new DemoIdpMetadataServlet(DemoIdpMetadataServlet.metadata(options, bound))),
                DemoIdpEndpoints.METADATA_PATH);
        context.addServlet(
                new ServletHolder(
                        "authorize",
                        new DemoAuthorizeServlet(options, bound, clients, signIns, fetcher, activity, mockLock)),
                DemoIdpEndpoints.AUTHORIZE_PATH);
        context.addServlet(
                new ServletHolder(
                        "token",
                        new DemoTokenServlet(
                                bound,
                                clients,
                                signIns,
                                new DemoSubjectTokens(options.trustedSubjectIssuers()),
                                activity,
                                mockLock)),
                DemoIdpEndpoints.TOKEN_PATH);
        if (options.revocation()) {
            context.addServlet(
                    new ServletHolder(
                            "revoke", new DemoRevocationServlet(bound, clients, signIns, revocations, activity)),
                    DemoIdpEndpoints.REVOKE_PATH);
        }
        if (options.dynamicRegistration()) {
            context.addServlet(
                    new ServletHolder("register", new DemoRegistrationServlet(options, clients, activity)),
                    DemoIdpEndpoints.REGISTER_PATH);
        }
        return context;
    }

    /** {@code http://127.0.0.1:PORT/demo-idp}: the {@code issuer} of the metadata and of every token. */
    public URI issuer() {
        return started().issuer();
    }

    /** Where the RFC 8414 metadata is: {@code http://127.0.0.1:PORT/.well-known/oauth-authorization-server/demo-idp}. */
    public URI metadataUrl() {
        return started().metadata();
    }

    public URI authorizationEndpoint() {
        return started().authorization();
    }

    public URI tokenEndpoint() {
        return started().token();
    }

    /** The mock's JWK set, which verifies the access tokens. */
    public URI jwksUri() {
        return started().jwks();
    }

    /** The RFC 7591 endpoint, when dynamic registration is on. */
    public Optional<URI> registrationEndpoint() {
        return options.dynamicRegistration() ? Optional.of(started().registration()) : Optional.empty();
    }

    /** The RFC 7009 endpoint, unless revocation is switched off. */
    public Optional<URI> revocationEndpoint() {
        return options.revocation() ? Optional.of(started().revocation()) : Optional.empty();
    }

    /** The requests that reached the revocation endpoint, oldest first; they never hold the token. */
    public List<RevocationRecord> revocations() {
        return revocations.requests();
    }

    /** Whether {@code accessToken} was revoked here: protected demo upstreams then refuse it. */
    public boolean isRevoked(String accessToken) {
        return revocations.isRevoked(accessToken);
    }

    /** The front's port. */
    public int port() {
        return started().frontPort();
    }

    /** Makes {@code client} known (or replaces the client with its id), for example once its redirect URI is known. */
    public void registerClient(Client client) {
        clients.put(client);
    }

    /** How many clients registered through the RFC 7591 endpoint. */
    public int registrationCount() {
        return clients.dynamicRegistrations().size();
    }

    /** The clients registered through the RFC 7591 endpoint, oldest first. */
    public List<Client> registeredClients() {
        return clients.dynamicRegistrations();
    }

    /** The Client ID Metadata Document URLs accepted so far as client ids. */
    public Set<String> metadataDocumentClients() {
        return clients.metadataDocumentClients();
    }

    /** The user the next sign-in approves; later sign-ins go back to the default user. */
    public void signInNextAs(String subject) {
        signIns.nextSubject(subject);
    }

    public String defaultSubject() {
        return options.defaultSubject();
    }

    /** The token requests that identified a client, oldest first: who asked, how it authenticated, for what. */
    public List<TokenRequestRecord> tokenRequests() {
        return activity.tokenRequests();
    }

    /**
     * Forgets every refresh token issued so far, as if they had been revoked: refreshing with one is then refused
     * with {@code invalid_grant}.
     */
    public void forgetRefreshTokens() {
        signIns.forgetRefreshTokens();
        log.info("Demo identity provider forgot every refresh token issued so far");
    }

    /**
     * Every secret this provider issued or was sent so far, by value, with what it is ({@code access_token}, {@code
     * refresh_token}, {@code id_token}, {@code code}, {@code code_verifier}, {@code client_secret}, {@code
     * subject_token}, ...), and the secrets of every client it knows: the real values of a run, for tests that look
     * for them where they must never appear.
     */
    public Map<String, String> secretsSeen() {
        Map<String, String> all = new HashMap<>(activity.secrets().all());
        clients.secrets().forEach(secret -> all.putIfAbsent(secret, "client_secret"));
        return Map.copyOf(all);
    }

    /** Why requests were refused, oldest first, one line each, never quoting a secret. */
    public List<String> refusals() {
        return activity.refusals();
    }

    public synchronized boolean isRunning() {
        return jetty != null;
    }

    /** Stops the front and the mock. Idempotent. */
    @Override
    public synchronized void close() {
        if (jetty == null) {
            return;
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            log.warn("Stopping the demo identity provider failed: {}", e.toString());
        } finally {
            try {
                mock.shutdown();
            } catch (RuntimeException e) {
                log.warn("Stopping the mock OAuth2 server failed: {}", e.toString());
            }
            jetty = null;
            mock = null;
        }
    }

    private DemoIdpEndpoints started() {
        DemoIdpEndpoints bound = endpoints;
        if (bound == null) {
            throw new IllegalStateException("demo identity provider not started");
        }
        return bound;
    }

    private static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("127.0.0.1 is a valid address", impossible);
        }
    }

    /**
     * A client the demo identity provider knows.
     *
     * @param clientId the {@code client_id}
     * @param authMethod how it authenticates at the token endpoint
     * @param secret its secret; present exactly when {@code authMethod} is not {@link ClientAuthMethod#NONE}
     * @param redirectUris the redirect URIs it may use, compared exactly
     */
    public record Client(
            String clientId, ClientAuthMethod authMethod, Optional<Secret> secret, List<URI> redirectUris) {

        public Client {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(authMethod, "authMethod");
            Objects.requireNonNull(secret, "secret");
            redirectUris = List.copyOf(redirectUris);
            if (clientId.isBlank()) {
                throw new IllegalArgumentException("clientId must not be blank");
            }
            if (redirectUris.isEmpty()) {
                throw new IllegalArgumentException("client " + clientId + " needs at least one redirect URI");
            }
            if (secret.isPresent() != (authMethod != ClientAuthMethod.NONE)) {
                throw new IllegalArgumentException("client " + clientId + " uses " + authMethod.configName()
                        + (secret.isPresent() ? ", which takes no secret" : ", which needs a secret"));
            }
        }

        /** A public client: PKCE, no secret. */
        public static Client publicClient(String clientId, List<URI> redirectUris) {
            return new Client(clientId, ClientAuthMethod.NONE, Optional.empty(), redirectUris);
        }

        /** A confidential client that sends {@code secret} with {@code method}. */
        public static Client confidential(
                String clientId, Secret secret, ClientAuthMethod method, List<URI> redirectUris) {
            return new Client(clientId, method, Optional.of(secret), redirectUris);
        }
    }

    /**
     * A token request as the front saw it.
     *
     * @param clientId the authenticated client
     * @param authMethod how the client authenticated
     * @param grantType the {@code grant_type}
     * @param resources the RFC 8707 {@code resource} parameters, in order
     * @param status the HTTP status of the answer
     */
    public record TokenRequestRecord(
            String clientId, ClientAuthMethod authMethod, String grantType, List<String> resources, int status) {

        public TokenRequestRecord {
            resources = List.copyOf(resources);
        }
    }

    /**
     * One request to the revocation endpoint, without the token.
     *
     * @param clientId the client that asked
     * @param authMethod how it authenticated
     * @param tokenTypeHint the {@code token_type_hint} it sent, if any
     * @param tokenKind what the token turned out to be: {@link #REFRESH_TOKEN}, {@link #ACCESS_TOKEN}, or {@link
     *     #UNKNOWN} (not one of the provider's, or not looked at because the request was refused first)
     * @param status the HTTP status of the answer
     */
    public record RevocationRecord(
            String clientId,
            ClientAuthMethod authMethod,
            Optional<String> tokenTypeHint,
            String tokenKind,
            int status) {

        public static final String REFRESH_TOKEN = "refresh_token";
        public static final String ACCESS_TOKEN = "access_token";
        public static final String UNKNOWN = "unknown";
    }

    /** Settings; every one has a default. */
    public static final class Builder {

        private int port;
        private String defaultSubject = DEFAULT_SUBJECT;
        private boolean advertiseS256 = true;
        private boolean clientIdMetadataDocuments = true;
        private boolean dynamicRegistration = true;
        private boolean authorizationResponseIss = true;
        private boolean interactiveLogin;
        private boolean revocation = true;
        private List<String> scopes = DEFAULT_SCOPES;
        private Duration tokenLifetime = Duration.ofHours(1);
        private final List<Client> clients = new ArrayList<>();
        private final List<DemoIdentityProvider> trustedSubjectIssuers = new ArrayList<>();
        private final Set<String> withheldScopes = new HashSet<>();

        private Builder() {}

        /** The front's port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /** The user every sign-in approves; {@value DemoIdentityProvider#DEFAULT_SUBJECT} by default. */
        public Builder defaultSubject(String subject) {
            this.defaultSubject = requireText(subject, "defaultSubject");
            return this;
        }

        /** Whether the metadata lists {@code code_challenge_methods_supported: ["S256"]}; off makes it absent. */
        public Builder advertiseS256(boolean advertise) {
            this.advertiseS256 = advertise;
            return this;
        }

        /** Whether URL client ids are accepted, as Client ID Metadata Documents, and the metadata says so. */
        public Builder clientIdMetadataDocuments(boolean supported) {
            this.clientIdMetadataDocuments = supported;
            return this;
        }

        /** Whether the RFC 7591 endpoint exists and the metadata names it. */
        public Builder dynamicRegistration(boolean enabled) {
            this.dynamicRegistration = enabled;
            return this;
        }

        /** Whether authorization responses carry RFC 9207 {@code iss} and the metadata says so. */
        public Builder authorizationResponseIss(boolean enabled) {
            this.authorizationResponseIss = enabled;
            return this;
        }

        /**
         * Whether a sign-in shows the mock's login page, where the user types any user name, instead of approving at
         * once. Off by default. On, {@code GET /authorize} checks the request as always and answers with the mock's
         * form; the browser posts it back to the same URL, the front checks the request again and the token's {@code
         * sub} is the name typed in. {@link DemoIdentityProvider#signInNextAs} and the default subject then play no
         * part in sign-ins.
         */
        public Builder interactiveLogin(boolean enabled) {
            this.interactiveLogin = enabled;
            return this;
        }

        /** The {@code scopes_supported}; {@link DemoIdentityProvider#DEFAULT_SCOPES} by default. */
        public Builder scopes(List<String> scopes) {
            this.scopes = List.copyOf(scopes);
            return this;
        }

        /** How long access tokens live (their {@code exp} and the {@code expires_in}); one hour by default. */
        public Builder tokenLifetime(Duration lifetime) {
            if (lifetime.isNegative() || lifetime.toSeconds() < 1) {
                throw new IllegalArgumentException("tokenLifetime must be at least one second: " + lifetime);
            }
            this.tokenLifetime = lifetime;
            return this;
        }

        /** Whether the RFC 7009 revocation endpoint exists and the metadata names it; on by default. */
        public Builder revocation(boolean enabled) {
            this.revocation = enabled;
            return this;
        }

        /**
         * A scope that sign-ins never grant: it is dropped from what the user approves, and the token response's
         * {@code scope} says so (RFC 6749 §5.1), as an authorization server that declines a scope does.
         */
        public Builder withholdScope(String scope) {
            withheldScopes.add(requireText(scope, "scope"));
            return this;
        }

        /** A pre-registered client. */
        public Builder client(Client client) {
            clients.add(Objects.requireNonNull(client, "client"));
            return this;
        }

        /**
         * Accepts access tokens of {@code other} as subject tokens of a token exchange (RFC 8693). {@code other} may
         * start after this one, but before the first exchange.
         */
        public Builder trustSubjectTokensFrom(DemoIdentityProvider other) {
            trustedSubjectIssuers.add(Objects.requireNonNull(other, "other"));
            return this;
        }

        /** An identity provider with these settings, not yet started. */
        public DemoIdentityProvider build() {
            return new DemoIdentityProvider(new DemoIdpOptions(
                    port,
                    defaultSubject,
                    advertiseS256,
                    clientIdMetadataDocuments,
                    dynamicRegistration,
                    authorizationResponseIss,
                    interactiveLogin,
                    scopes,
                    tokenLifetime,
                    clients,
                    trustedSubjectIssuers,
                    revocation,
                    withheldScopes));
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
