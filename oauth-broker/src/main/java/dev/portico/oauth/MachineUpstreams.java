package dev.portico.oauth;

import dev.portico.config.AuthGrant;
import dev.portico.config.Secret;
import dev.portico.config.TokenExchangeConfig;
import dev.portico.oauth.challenge.BearerChallenge;
import dev.portico.oauth.client.ClientRegistrationException;
import dev.portico.oauth.discovery.DiscoveryException;
import dev.portico.oauth.discovery.ResourceUris;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.flow.SignInTargets;
import dev.portico.oauth.grant.ClientCredentialsTokens;
import dev.portico.oauth.grant.ExchangedTokens;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenRequestException;
import dev.portico.oauth.token.TokenSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of machine upstreams, whose tokens come without a sign-in at their own authorization server:
 * {@code auth.grant: client_credentials} (Portico's token, shared by every session) and {@code auth.tokenExchange}
 * (the session's token for another upstream, exchanged per RFC 8693). Discovery is the same as for a sign-in; what
 * differs is that a refusal is answered with a new token, never with a link, except that a token exchange whose
 * session holds no token for the subject upstream sends the user to sign in there.
 */
final class MachineUpstreams {

    private static final Logger LOG = LoggerFactory.getLogger(MachineUpstreams.class);

    /** Starts what a 401 of the subject upstream would: a sign-in, or a token the owner already holds. */
    interface SubjectSignIn {
        SignInOutcome start(String owner, ProtectedUpstream subject);
    }

    private final SignInTargets resolver;
    private final Map<String, SignInTarget> targets;
    private final HandedOutTokens handedOut;
    private final ClientCredentialsTokens clientCredentials;
    private final ExchangedTokens exchanged;
    private final BiFunction<String, String, Optional<Secret>> subjectTokens;
    private final SubjectSignIn subjectSignIn;
    /** Every upstream the broker was asked about, so that an exchange can find its subject upstream's URL. */
    private final ConcurrentHashMap<String, ProtectedUpstream> seen = new ConcurrentHashMap<>();

    /**
     * @param subjectTokens the owner's access token for the upstream of the given name, from its sign-in, if held
     */
    MachineUpstreams(
            SignInTargets resolver,
            Map<String, SignInTarget> targets,
            HandedOutTokens handedOut,
            ClientCredentialsTokens clientCredentials,
            ExchangedTokens exchanged,
            BiFunction<String, String, Optional<Secret>> subjectTokens,
            SubjectSignIn subjectSignIn) {
        this.resolver = resolver;
        this.targets = targets;
        this.handedOut = handedOut;
        this.clientCredentials = clientCredentials;
        this.exchanged = exchanged;
        this.subjectTokens = subjectTokens;
        this.subjectSignIn = subjectSignIn;
    }

    /** Remembers an upstream the broker was asked about. */
    void seen(ProtectedUpstream upstream) {
        seen.put(upstream.name(), upstream);
    }

    /**
     * The token for a machine upstream, obtained now if need be. Discovers the authorization server on first use
     * (without a challenge: protected resource metadata at the well-known location, or {@code
     * auth.authorizationServer}), so that the first request already carries a token. Empty when anything fails; the
     * upstream's 401 then leads to {@link #onUnauthorized}, which says why.
     */
    Optional<Secret> accessToken(String owner, ProtectedUpstream upstream) {
        String name = upstream.name();
        try {
            SignInTarget target = targets.get(name);
            if (target == null || !ResourceUris.covers(target.resource(), upstream.url())) {
                target = resolver.resolve(name, upstream.url(), upstream.auth(), Optional.empty());
                targets.put(name, target);
            }
            Optional<TokenSet> token = upstream.auth().grant() == AuthGrant.CLIENT_CREDENTIALS
                    ? Optional.of(clientCredentials(owner, target))
                    : exchangedToken(owner, upstream, target);
            token.ifPresent(t -> handedOut.record(owner, name, t.accessToken()));
            return token.map(TokenSet::accessToken);
        } catch (DiscoveryException | ClientRegistrationException | TokenRequestException e) {
            LOG.debug("no token yet upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return Optional.empty();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // An unusable URL in config, or an interrupted wait: the request goes without a token, and the 401 that
            // follows is answered by onUnauthorized with a message for the user.
            LOG.warn("no token for upstream={} owner={}: {}", name, LogIds.owner(owner), e.getMessage());
            return Optional.empty();
        }
    }

    /** What follows a 401 of a machine upstream: a new token, a sign-in at the subject upstream, or why not. */
    SignInOutcome onUnauthorized(String owner, ProtectedUpstream upstream, Optional<BearerChallenge> challenge)
            throws DiscoveryException, ClientRegistrationException {
        String name = upstream.name();
        SignInTarget target = resolver.resolve(name, upstream.url(), upstream.auth(), challenge);
        targets.put(name, target);
        if (upstream.auth().grant() == AuthGrant.CLIENT_CREDENTIALS) {
            return clientCredentialsAfterRefusal(owner, target);
        }
        return exchangeAfterRefusal(owner, upstream, target);
    }

    /** The upstream's settings changed or it is gone: its old settings must not serve an exchange. */
    void forgetUpstream(String upstream) {
        seen.remove(upstream);
    }

    void forget(String owner) {
        exchanged.forget(owner);
    }

    private TokenSet clientCredentials(String owner, SignInTarget target) throws TokenRequestException {
        return clientCredentials.token(
                owner, target.upstream(), target.tokenEndpoint(), target.scopes(), target.resourceParameter());
    }

    /** The held token unless it is the one just refused, else a new one: at most one new token per refusal. */
    private SignInOutcome clientCredentialsAfterRefusal(String owner, SignInTarget target) {
        String name = target.upstream();
        try {
            TokenSet current = clientCredentials(owner, target);
            if (handedOut.recordIfNew(owner, name, current.accessToken())) {
                return new SignInOutcome.Authorized(current.accessToken());
            }
            TokenSet fresh = clientCredentials.replace(
                    owner,
                    name,
                    target.tokenEndpoint(),
                    target.scopes(),
                    target.resourceParameter(),
                    current.accessToken());
            handedOut.record(owner, name, fresh.accessToken());
            return new SignInOutcome.Authorized(fresh.accessToken());
        } catch (TokenRequestException e) {
            return new SignInOutcome.Failed("Portico could not get a token for '" + name
                    + "' with its client credentials (auth.clientId "
                    + target.tokenEndpoint().clientId() + "): "
                    + e.getMessage() + ".");
        }
    }

    private SignInOutcome exchangeAfterRefusal(String owner, ProtectedUpstream upstream, SignInTarget target) {
        String name = upstream.name();
        TokenExchangeConfig config = upstream.auth().tokenExchange().orElseThrow();
        Optional<TokenSet> held = exchanged.held(owner, name, target.issuer());
        if (held.isPresent() && handedOut.recordIfNew(owner, name, held.get().accessToken())) {
            return new SignInOutcome.Authorized(held.get().accessToken());
        }
        Optional<Secret> subjectToken = subjectTokens.apply(owner, config.subjectUpstream());
        if (subjectToken.isEmpty()) {
            SignInOutcome subjectStep = signInToSubject(owner, name, config.subjectUpstream());
            if (!(subjectStep instanceof SignInOutcome.Authorized)) {
                return subjectStep;
            }
            subjectToken = Optional.of(((SignInOutcome.Authorized) subjectStep).accessToken());
        }
        try {
            TokenSet fresh = exchanged.exchange(
                    owner,
                    name,
                    target.tokenEndpoint(),
                    config,
                    subjectToken.get(),
                    target.resourceParameter(),
                    held.map(TokenSet::accessToken));
            handedOut.record(owner, name, fresh.accessToken());
            return new SignInOutcome.Authorized(fresh.accessToken());
        } catch (TokenRequestException e) {
            return new SignInOutcome.Failed("The authorization server of '" + name
                    + "' refused to exchange the token of '" + config.subjectUpstream() + "': " + e.getMessage() + ".");
        }
    }

    /**
     * The owner holds no token to exchange: the sign-in at the subject upstream, whose token then serves both. Its
     * link is what the user sees for this upstream too.
     */
    private SignInOutcome signInToSubject(String owner, String name, String subjectName) {
        ProtectedUpstream subject = seen.get(subjectName);
        if (subject == null) {
            return new SignInOutcome.Failed("'" + name + "' uses your sign-in to '" + subjectName + "': sign in to '"
                    + subjectName + "' first.");
        }
        SignInOutcome outcome = subjectSignIn.start(owner, subject);
        if (outcome instanceof SignInOutcome.Failed) {
            return new SignInOutcome.Failed("'" + name + "' uses your sign-in to '" + subjectName + "', which is not"
                    + " possible: " + ((SignInOutcome.Failed) outcome).reason());
        }
        return outcome;
    }

    /** A held exchanged token, else an exchange of the owner's subject token; empty when the owner holds none. */
    private Optional<TokenSet> exchangedToken(String owner, ProtectedUpstream upstream, SignInTarget target)
            throws TokenRequestException {
        Optional<TokenSet> held = exchanged.held(owner, upstream.name(), target.issuer());
        if (held.isPresent()) {
            return held;
        }
        TokenExchangeConfig config = upstream.auth().tokenExchange().orElseThrow();
        Optional<Secret> subjectToken = subjectTokens.apply(owner, config.subjectUpstream());
        if (subjectToken.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(exchanged.exchange(
                owner,
                upstream.name(),
                target.tokenEndpoint(),
                config,
                subjectToken.get(),
                target.resourceParameter(),
                Optional.empty()));
    }
}
