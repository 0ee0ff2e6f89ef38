package dev.portico.oauth;

import dev.portico.config.LimitsConfig;
import dev.portico.config.OAuthConfig;
import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditListener;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.callback.CallbackServlet;
import dev.portico.oauth.callback.ClientRateLimit;
import dev.portico.oauth.callback.SignInCompletion;
import dev.portico.oauth.callback.SignInEndpoints;
import dev.portico.oauth.callback.StartLinkCheck;
import dev.portico.oauth.callback.StartServlet;
import dev.portico.oauth.challenge.BearerChallenge;
import dev.portico.oauth.challenge.WwwAuthenticate;
import dev.portico.oauth.challenge.WwwAuthenticateParseException;
import dev.portico.oauth.challenge.WwwAuthenticateParseResult;
import dev.portico.oauth.client.ClientRegistrationException;
import dev.portico.oauth.client.ClientRegistry;
import dev.portico.oauth.client.InMemoryRegistrationStore;
import dev.portico.oauth.client.PorticoClient;
import dev.portico.oauth.client.RegistrationStore;
import dev.portico.oauth.discovery.Discovery;
import dev.portico.oauth.discovery.DiscoveryException;
import dev.portico.oauth.discovery.ResourceUris;
import dev.portico.oauth.flow.InMemorySignInStore;
import dev.portico.oauth.flow.PendingSignIn;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.flow.SignInTargets;
import dev.portico.oauth.grant.ClientCredentialsTokens;
import dev.portico.oauth.grant.ExchangedTokens;
import dev.portico.oauth.http.OutboundHttp;
import dev.portico.oauth.limits.ClientAddresses;
import dev.portico.oauth.limits.SignInRateLimits;
import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.StorageUnavailableException;
import dev.portico.oauth.token.AccessTokens;
import dev.portico.oauth.token.InMemoryTokenStore;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenClient;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenRevoker;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth challenge broker: what the aggregator calls when it sends a request to a protected upstream and when
 * the upstream refuses it. See {@code package-info} for the whole flow.
 *
 * <p>Tokens belong to an owner (a downstream session id, or a principal shared by sessions). One sign-in serves every
 * upstream of the same issuer whose scopes it covers, for that owner only.
 *
 * <p>Safe for concurrent use. {@link #create} starts an outbound HTTP client; {@link #close()} stops it.
 */
public final class OAuthBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthBroker.class);

    /** The names {@link #entryCounts()} gives the broker's stores. */
    public static final String TOKENS_STORE = "tokens";

    public static final String SIGN_INS_STORE = "sign_ins";
    public static final String REGISTRATIONS_STORE = "registrations";

    private final OAuthConfig oauth;
    private final Clock clock;
    private final OutboundHttp http;
    private final SignInEndpoints endpoints;
    private final SignInTargets resolver;
    private final SignInStore signIns;
    private final TokenStore tokens;
    private final RegistrationStore registrations;
    private final TokenClient tokenClient;
    private final AccessTokens accessTokens;
    private final AuthAudit audit;
    private final MachineUpstreams machines;
    private final SignOut signOut;
    private final SignInRateLimits rateLimits;
    /** Shared by every start servlet, so that a check in front (inbound authentication) does not double the limit. */
    private final ClientRateLimit startLinkRateLimit;
    /** The last target found per upstream name, so a token can be picked without network. */
    private final ConcurrentHashMap<String, SignInTarget> targets = new ConcurrentHashMap<>();

    private final HandedOutTokens handedOut = new HandedOutTokens();
    private final StepUps stepUps = new StepUps();
    private final List<Consumer<SignedIn>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<SignInFailed>> failureListeners = new CopyOnWriteArrayList<>();
    private final StartServlet startServlet;
    private final CallbackServlet callbackServlet;
    private final Supplier<URI> publicBaseUrl;
    private final PorticoClient portico;

    private OAuthBroker(BrokerSettings settings, OutboundHttp http) {
        this.oauth = settings.oauth();
        this.clock = settings.clock();
        this.http = http;
        this.publicBaseUrl = settings.publicBaseUrl();
        this.endpoints = new SignInEndpoints(settings.publicBaseUrl(), oauth.callbackPath());
        this.portico = new PorticoClient(
                this::clientMetadataDocumentUrl, endpoints::redirectUri, oauth.clientName(), oauth.clientUri());
        this.registrations = settings.registrationStore().orElseGet(InMemoryRegistrationStore::new);
        this.resolver = new SignInTargets(
                new Discovery(
                        http, oauth.metadataCacheTtl(), clock, settings.http().allowCrossOriginResourceMetadata()),
                new ClientRegistry(portico, http.nimbusSender(), registrations));
        LimitsConfig limits = settings.limits();
        this.signIns = settings.signInStore()
                .orElseGet(() -> new InMemorySignInStore(
                        clock, limits.maxPendingSignIns(), limits.maxPendingSignInsPerSession(), settings.evictions()));
        this.tokens = settings.tokenStore()
                .orElseGet(() -> new InMemoryTokenStore(
                        limits.maxTokenSetsPerSession(), limits.maxTokenSets(), settings.evictions()));
        this.rateLimits = new SignInRateLimits(limits, clock);
        ClientAddresses clientAddresses = new ClientAddresses(limits.trustedProxyBlocks());
        this.tokenClient = new TokenClient(http.nimbusSender(), clock);
        this.audit = new AuthAudit(clock);
        this.accessTokens = new AccessTokens(tokens, tokenClient, clock, oauth.refreshMargin(), audit);
        this.machines = new MachineUpstreams(
                resolver,
                targets,
                handedOut,
                new ClientCredentialsTokens(tokenClient, clock, oauth.refreshMargin(), audit),
                new ExchangedTokens(tokenClient, clock, oauth.refreshMargin(), audit),
                this::signedInToken,
                (owner, subject) -> onUnauthorized(owner, subject, 401, List.of()));
        this.signOut = new SignOut(tokens, signIns, handedOut, targets, new TokenRevoker(http.nimbusSender()), audit);
        this.startLinkRateLimit = new ClientRateLimit("sign-in start link", clientAddresses, rateLimits::startLink);
        this.startServlet = new StartServlet(signIns, endpoints, clock, startLinkRateLimit);
        this.callbackServlet = new CallbackServlet(
                signIns,
                new ClientRateLimit("sign-in callback", clientAddresses, rateLimits::callback),
                new SignInCompletion() {
                    @Override
                    public void complete(PendingSignIn signIn, Secret code) throws TokenRequestException {
                        OAuthBroker.this.complete(signIn, code);
                    }

                    @Override
                    public void failed(PendingSignIn signIn) {
                        tell(failureListeners, new SignInFailed(signIn.owner(), signIn.upstream(), signIn.flowId()));
                    }
                },
                audit);
    }

    /** A broker with the given settings; starts its outbound HTTP client. */
    public static OAuthBroker create(BrokerSettings settings) {
        Objects.requireNonNull(settings, "settings");
        OutboundHttp http = new OutboundHttp(settings.http());
        try {
            return new OAuthBroker(settings, http);
        } catch (RuntimeException e) {
            http.close();
            throw e;
        }
    }

    /**
     * The access token to send to {@code upstream} for {@code owner}, if one is held: one from this upstream's
     * sign-in, or from another upstream of the same issuer. No network, except to refresh an expired token or to
     * obtain one for this upstream's resource with a refresh token. Empty until the upstream's authorization server
     * is known, which the first {@link #onUnauthorized} finds out.
     *
     * <p>For a machine upstream ({@code auth.grant: client_credentials} or {@code auth.tokenExchange}) the token is
     * obtained here when none is held, after discovering the authorization server if need be: blocking.
     */
    public Optional<Secret> accessToken(String owner, ProtectedUpstream upstream) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(upstream, "upstream");
        machines.seen(upstream);
        if (upstream.auth().machineGrant()) {
            return machines.accessToken(owner, upstream);
        }
        SignInTarget target = targets.get(upstream.name());
        if (target == null) {
            return Optional.empty();
        }
        if (!ResourceUris.covers(target.resource(), upstream.url())) {
            // The upstream's URL changed since discovery; what was found no longer applies.
            targets.remove(upstream.name(), target);
            return Optional.empty();
        }
        Optional<TokenSet> held;
        try {
            held = accessTokens.find(owner, target.tokenNeed());
        } catch (StorageUnavailableException e) {
            // The request goes out without a token; the upstream's 401 then gets the "storage unavailable" answer.
            LOG.warn(
                    "token storage unavailable, calling {} without a token for owner={}: {}",
                    upstream.name(),
                    LogIds.owner(owner),
                    e.getMessage());
            return Optional.empty();
        }
        held.ifPresent(t -> {
            handedOut.record(owner, upstream.name(), t.accessToken());
            stepUps.handedOut(owner, upstream.name(), t.scopes());
        });
        return held.map(TokenSet::accessToken);
    }

    /**
     * The upstream accepted a call made for {@code owner}: a step-up that got it a token with the scopes it asked for
     * is over, and the next {@code insufficient_scope} starts the count of {@code oauth.stepUpLimit} afresh.
     */
    public void callAccepted(String owner, String upstream) {
        stepUps.accepted(Objects.requireNonNull(owner, "owner"), Objects.requireNonNull(upstream, "upstream"));
    }

    /**
     * Handles an upstream's 401, or 403 (RFC 6750 §3.1 {@code insufficient_scope}): reads the challenge, discovers
     * the authorization server, and either finds a token the owner already holds for it or starts a sign-in.
     *
     * <p>A 401 for the very token handed out last gets one refresh of that token, forced even if it has not expired,
     * before a sign-in; a 401 for the token that refresh produced goes straight to a sign-in, so a refusing upstream
     * cannot make Portico refresh in a loop. A 403 with {@code insufficient_scope} is a step-up: a sign-in for the
     * scopes held plus the scopes asked for, at most {@code oauth.stepUpLimit} times before a {@link
     * SignInOutcome.Failed} that names the missing scopes.
     * Blocking (metadata fetches, possibly a client registration or a refresh). Never throws for bad input: a
     * malformed challenge falls back to well-known discovery, and every failure is a {@link SignInOutcome.Failed}
     * naming the upstream. A machine upstream gets a new token instead of a sign-in (see {@link MachineUpstreams}).
     *
     * @param status the upstream's HTTP status
     * @param wwwAuthenticate the upstream's {@code WWW-Authenticate} field values, possibly none
     */
    public SignInOutcome onUnauthorized(
            String owner, ProtectedUpstream upstream, int status, List<String> wwwAuthenticate) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(upstream, "upstream");
        String name = upstream.name();
        if (status != 401 && status != 403) {
            return new SignInOutcome.Failed("Upstream '" + name + "' answered HTTP " + status
                    + ", which is not a request to sign in (401 or 403 expected).");
        }
        machines.seen(upstream);
        try {
            Optional<BearerChallenge> challenge = bearerChallenge(name, wwwAuthenticate);
            if (upstream.auth().machineGrant()) {
                return machines.onUnauthorized(owner, upstream, challenge);
            }
            SignInTarget target = resolver.resolve(name, upstream.url(), upstream.auth(), challenge);
            if (status == 403
                    && challenge.filter(BearerChallenge::insufficientScope).isPresent()) {
                return stepUp(owner, target, challenge.get());
            }
            targets.put(name, target);
            Optional<TokenSet> held = accessTokens.find(owner, target.tokenNeed());
            if (held.isPresent()
                    && handedOut.recordIfNew(owner, name, held.get().accessToken())) {
                LOG.info(
                        "sign-in not needed, token of the issuer reused upstream={} issuer={} owner={}",
                        name,
                        target.issuer(),
                        LogIds.owner(owner));
                return new SignInOutcome.Authorized(held.get().accessToken());
            }
            if (held.isPresent()
                    && !handedOut.cameFromForcedRefresh(owner, name, held.get().accessToken())) {
                Optional<TokenSet> renewed = accessTokens.renewRefused(
                        owner, target.tokenNeed(), held.get().accessToken());
                if (renewed.isPresent()) {
                    handedOut.recordForcedRefresh(owner, name, renewed.get().accessToken());
                    LOG.info(
                            "refused token renewed, sign-in not needed upstream={} issuer={} owner={}",
                            name,
                            target.issuer(),
                            LogIds.owner(owner));
                    return new SignInOutcome.Authorized(renewed.get().accessToken());
                }
            }
            return startSignIn(owner, target);
        } catch (DiscoveryException e) {
            LOG.info("sign-in impossible upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return new SignInOutcome.Failed("Cannot sign in to '" + name + "': " + e.getMessage());
        } catch (ClientRegistrationException e) {
            LOG.info("sign-in impossible upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return new SignInOutcome.Failed(e.getMessage());
        } catch (StorageUnavailableException e) {
            LOG.warn("sign-in impossible upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return SignInOutcome.Failed.temporary("Cannot sign in to '" + name
                    + "': sign-in storage unavailable; try again in a moment. Portico's log has the details.");
        } catch (IllegalArgumentException e) {
            LOG.info("sign-in impossible upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return new SignInOutcome.Failed(
                    "Cannot sign in to '" + name + "': its configuration is not usable (" + e.getMessage() + ").");
        } catch (RuntimeException e) {
            LOG.warn("sign-in failed unexpectedly upstream={} owner={}", name, LogIds.owner(owner), e);
            return new SignInOutcome.Failed(
                    "Cannot sign in to '" + name + "': an unexpected error occurred; Portico's log has the details.");
        }
    }

    /**
     * Starts a sign-in for {@code target} and hands out its start link, unless the owner started as many as {@code
     * limits.signInStartsPerMinutePerSession} allows: then a temporary failure that says when to retry.
     */
    private SignInOutcome startSignIn(String owner, SignInTarget target) {
        String name = target.upstream();
        Optional<Duration> retryAfter = rateLimits.signInStart(owner);
        if (retryAfter.isPresent()) {
            long seconds = retryAfter.get().toSeconds();
            LOG.warn(
                    "sign-in refused: rate limit upstream={} owner={} retryAfter={}s",
                    name,
                    LogIds.owner(owner),
                    seconds);
            return SignInOutcome.Failed.temporary(
                    "Too many sign-ins started in this session; retry after " + seconds + " s.");
        }
        PendingSignIn signIn =
                PendingSignIn.start(owner, target, endpoints.redirectUri(), clock.instant(), oauth.stateTtl());
        signIns.put(signIn);
        LOG.info(
                "sign-in started upstream={} issuer={} owner={} client={} scopes={}",
                name,
                target.issuer(),
                LogIds.owner(owner),
                target.tokenEndpoint().client().source(),
                target.scopes());
        audit.record(AuditRecord.ok(AuditEvent.CHALLENGE_ISSUED, name, target.issuer(), owner)
                .withDetail(target.scopes().isEmpty() ? null : "scopes=" + String.join(" ", target.scopes())));
        return new SignInOutcome.SignInRequired(
                endpoints.startUrl(signIn.startId()),
                name,
                target.issuer(),
                target.scopes(),
                signIn.expiresAt(),
                signIn.flowId());
    }

    /**
     * An upstream refused a token for lack of scope: a sign-in for the union of what the owner holds and what the
     * upstream asks for, unless a held token already has it all, or the step-up limit is reached.
     */
    private SignInOutcome stepUp(String owner, SignInTarget resolved, BearerChallenge challenge) {
        String name = resolved.upstream();
        StepUps.Demand demand = stepUps.challenged(owner, name, new LinkedHashSet<>(challenge.scope()));
        Set<String> heldScopes = heldScopes(owner, resolved);
        Set<String> required = new TreeSet<>(resolved.requiredScopes());
        required.addAll(demand.scopes());
        LinkedHashSet<String> requested = new LinkedHashSet<>(resolved.scopes());
        requested.addAll(heldScopes);
        requested.addAll(demand.scopes());
        SignInTarget target = resolved.withScopes(List.copyOf(requested), required);
        Optional<TokenSet> held = accessTokens.find(owner, target.tokenNeed());
        if (held.isPresent() && handedOut.recordIfNew(owner, name, held.get().accessToken())) {
            // Another sign-in of this session (to another upstream of the issuer) already got the scopes.
            return new SignInOutcome.Authorized(held.get().accessToken());
        }
        if (demand.completedSignIns() >= oauth.stepUpLimit()) {
            String reason = demand.refusal(name, heldScopes);
            LOG.info("step-up refused upstream={} owner={}: {}", name, LogIds.owner(owner), reason);
            audit.record(AuditRecord.failed(
                    AuditEvent.STEP_UP,
                    name,
                    target.issuer(),
                    owner,
                    "step_up_limit",
                    "scopes=" + String.join(" ", demand.scopes())));
            return new SignInOutcome.Failed(reason);
        }
        SignInOutcome started = startSignIn(owner, target);
        if (started instanceof SignInOutcome.SignInRequired signIn) {
            stepUps.started(owner, name, signIn.flowId());
            audit.record(AuditRecord.ok(AuditEvent.STEP_UP, name, target.issuer(), owner)
                    .withDetail("scopes=" + String.join(" ", target.scopes())));
        }
        return started;
    }

    /** The scopes of the newest token set the owner holds for the target's issuer and resource. */
    private Set<String> heldScopes(String owner, SignInTarget target) {
        return tokens.find(owner, target.issuer(), Set.of()).stream()
                .filter(t -> t.resource().isEmpty() || t.resource().equals(target.resourceParameter()))
                .findFirst()
                .map(TokenSet::scopes)
                .orElse(Set.of());
    }

    /** Calls {@code listener} after each callback that stored a token, on the callback's thread. */
    public void addListener(Consumer<SignedIn> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Calls {@code listener} after each callback that ended a sign-in without tokens, on the callback's thread. */
    public void addFailureListener(Consumer<SignInFailed> listener) {
        failureListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Tells {@code listener} of every authentication event the audit log records (see {@link AuthAudit}). */
    public void addAuditListener(AuditListener listener) {
        audit.listen(listener);
    }

    /**
     * The broker's stores that can count their entries, by name: {@value #TOKENS_STORE} (token sets), {@value
     * #SIGN_INS_STORE} (pending sign-ins) and {@value #REGISTRATIONS_STORE} (dynamic client registrations).
     */
    public Map<String, EntryCount> entryCounts() {
        Map<String, EntryCount> counts = new LinkedHashMap<>();
        addIfCounted(counts, TOKENS_STORE, tokens);
        addIfCounted(counts, SIGN_INS_STORE, signIns);
        addIfCounted(counts, REGISTRATIONS_STORE, registrations);
        return counts;
    }

    private static void addIfCounted(Map<String, EntryCount> counts, String name, Object store) {
        if (store instanceof EntryCount counted) {
            counts.put(name, counted);
        }
    }

    /**
     * The owner is gone (its session closed): its pending sign-ins can no longer be finished and its tokens are
     * dropped. A callback already past the state check when this runs may still store its token.
     */
    public void forget(String owner) {
        Objects.requireNonNull(owner, "owner");
        try {
            signIns.forget(owner);
            tokens.forget(owner);
        } catch (StorageUnavailableException e) {
            // What stays behind can no longer be used by anyone: the owner is gone. The stores' sweeps remove it.
            LOG.warn("could not forget owner={} in storage: {}", LogIds.owner(owner), e.getMessage());
        }
        handedOut.forget(owner);
        machines.forget(owner);
        stepUps.forget(owner);
    }

    /**
     * The upstream named {@code upstream} was removed from the config or its settings changed: forget the
     * authorization server and client found for it, so that its next request discovers them again under its new
     * {@code auth} settings. Tokens already held stay: they belong to their issuer, and serve the upstream again if
     * its new settings lead to the same one.
     */
    public void forgetUpstream(String upstream) {
        targets.remove(Objects.requireNonNull(upstream, "upstream"));
        machines.forgetUpstream(upstream);
    }

    /**
     * Signs {@code owner} out of the issuer of {@code upstream} (or, when empty, of every issuer it holds tokens from):
     * drops its tokens of those issuers, its pending sign-ins and the broker's memory of tokens handed out for their
     * upstreams, then revokes the dropped tokens at each issuer's RFC 7009 revocation endpoint, if it has one.
     * Blocking (one request per revoked token). The caller closes the owner's connections to {@link
     * SignOutResult#upstreams()}, which still carry the old tokens.
     *
     * @throws IllegalArgumentException if no sign-in target is known for {@code upstream}: no such upstream, or it
     *     never asked for a sign-in; the message says so, fit for a tool error
     */
    public SignOutResult signOut(String owner, Optional<String> upstream) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(upstream, "upstream");
        return signOut.signOut(owner, upstream);
    }

    /** The servlet for {@code GET /oauth/start/*}; mount it at that path. */
    public HttpServlet startServlet() {
        return startServlet;
    }

    /** The start servlet with {@code check} before the browser binding, for inbound authentication's user check. */
    public HttpServlet startServlet(StartLinkCheck check) {
        return new StartServlet(signIns, endpoints, clock, startLinkRateLimit, check);
    }

    /** Portico as an OAuth client: the identity it announces through CIMD and dynamic registration. */
    public PorticoClient client() {
        return portico;
    }

    /** Where the sign-in endpoints live under the public URL, and their browser cookie's scope. */
    public SignInEndpoints endpoints() {
        return endpoints;
    }

    /** The servlet for {@code GET <oauth.callbackPath>}; mount it at that path. */
    public HttpServlet callbackServlet() {
        return callbackServlet;
    }

    /** Portico's {@code client_id} under CIMD: {@code oauth.clientMetadataUrl}, else the public URL plus the CIMD path. */
    public URI clientMetadataDocumentUrl() {
        return oauth.clientMetadataUrl().orElseGet(() -> {
            String base = publicBaseUrl.get().toString();
            return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + oauth.cimdPath());
        });
    }

    @Override
    public void close() {
        http.close();
    }

    /** Exchanges the code of a verified callback, keeps the tokens and tells the listeners. */
    private void complete(PendingSignIn signIn, Secret code) throws TokenRequestException {
        SignInTarget target = signIn.target();
        TokenSet issued;
        try {
            issued = tokenClient.exchangeCode(
                    target.tokenEndpoint(),
                    code,
                    signIn.redirectUri(),
                    signIn.verifier(),
                    target.resourceParameter(),
                    target.scopes());
        } catch (TokenRequestException e) {
            audit.record(AuditRecord.failed(
                    AuditEvent.CALLBACK,
                    target.upstream(),
                    target.issuer(),
                    signIn.owner(),
                    e.errorCode().orElse(e.kind().name().toLowerCase(Locale.ROOT)),
                    "code exchange failed"));
            throw e;
        }
        tokens.put(signIn.owner(), issued);
        stepUps.completed(signIn.owner(), target.upstream(), signIn.flowId());
        audit.record(AuditRecord.ok(AuditEvent.CALLBACK, target.upstream(), target.issuer(), signIn.owner()));
        // The sign-in may have started on another replica; this one now knows the upstream's issuer too.
        targets.putIfAbsent(target.upstream(), target);
        tell(listeners, new SignedIn(signIn.owner(), target.upstream(), target.issuer(), signIn.flowId()));
    }

    /** One listener's failure must not keep the others from hearing of the event. */
    private static <E> void tell(List<Consumer<E>> listeners, E event) {
        for (Consumer<E> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("a sign-in listener failed for {}", event, e);
            }
        }
    }

    /** The owner's token from a sign-in for the upstream of this name, renewed if need be; for token exchanges. */
    private Optional<Secret> signedInToken(String owner, String upstreamName) {
        return Optional.ofNullable(targets.get(upstreamName))
                .flatMap(target -> accessTokens.find(owner, target.tokenNeed()))
                .map(TokenSet::accessToken);
    }

    /** The usable Bearer challenge, or empty to fall back to well-known discovery. */
    private static Optional<BearerChallenge> bearerChallenge(String upstream, List<String> headerValues) {
        if (headerValues == null || headerValues.stream().allMatch(v -> v == null || v.isBlank())) {
            return Optional.empty();
        }
        WwwAuthenticateParseResult parsed = WwwAuthenticate.parse(headerValues);
        if (parsed instanceof WwwAuthenticateParseResult.Malformed) {
            LOG.info(
                    "upstream {} sent a malformed WWW-Authenticate, trying well-known discovery: {}",
                    upstream,
                    ((WwwAuthenticateParseResult.Malformed) parsed).error().message());
            return Optional.empty();
        }
        try {
            return BearerChallenge.find(((WwwAuthenticateParseResult.Parsed) parsed).challenges());
        } catch (WwwAuthenticateParseException e) {
            LOG.info(
                    "upstream {} sent an unusable Bearer challenge, trying well-known discovery: {}",
                    upstream,
                    e.getMessage());
            return Optional.empty();
        }
    }
}
