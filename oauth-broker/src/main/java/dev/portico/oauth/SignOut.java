package dev.portico.oauth;

import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.flow.SignInStore;
import dev.portico.oauth.flow.SignInTarget;
import dev.portico.oauth.token.LogIds;
import dev.portico.oauth.token.TokenEndpoint;
import dev.portico.oauth.token.TokenRevoker;
import dev.portico.oauth.token.TokenSet;
import dev.portico.oauth.token.TokenStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs an owner out of issuers: drops its tokens, its pending sign-ins and what the broker remembers handing out for
 * the issuers' upstreams, then revokes the dropped tokens at each issuer's revocation endpoint (RFC 7009) when the
 * issuer has one. Revocation comes after the local drop, so that a slow or failing authorization server cannot leave
 * a token in use; its failures are reported, not thrown.
 */
final class SignOut {

    private static final Logger LOG = LoggerFactory.getLogger(SignOut.class);
    private static final String EVERY_UPSTREAM = "*";

    private final TokenStore tokens;
    private final SignInStore signIns;
    private final HandedOutTokens handedOut;
    private final Map<String, SignInTarget> targets;
    private final TokenRevoker revoker;
    private final AuthAudit audit;

    SignOut(
            TokenStore tokens,
            SignInStore signIns,
            HandedOutTokens handedOut,
            Map<String, SignInTarget> targets,
            TokenRevoker revoker,
            AuthAudit audit) {
        this.tokens = tokens;
        this.signIns = signIns;
        this.handedOut = handedOut;
        this.targets = targets;
        this.revoker = revoker;
        this.audit = audit;
    }

    SignOutResult signOut(String owner, Optional<String> upstream) {
        Set<String> issuers;
        if (upstream.isPresent()) {
            SignInTarget target = targets.get(upstream.get());
            if (target == null) {
                throw new IllegalArgumentException("Unknown server '" + upstream.get()
                        + "': Portico knows no sign-in for it (no such upstream, or it never asked for one).");
            }
            issuers = Set.of(target.issuer());
        } else {
            issuers = new TreeSet<>(tokens.issuers(owner));
            signIns.forget(owner);
            handedOut.forget(owner);
        }
        String server = upstream.orElse(EVERY_UPSTREAM);
        List<String> signedOut = new ArrayList<>();
        Set<String> upstreams = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        for (String issuer : new TreeSet<>(issuers)) {
            List<String> ofIssuer = upstreamsOf(issuer);
            for (String name : ofIssuer) {
                signIns.forget(owner, name);
                handedOut.forget(owner, name);
            }
            List<TokenSet> dropped = tokens.removeIssuer(owner, issuer);
            audit.record(AuditRecord.ok(AuditEvent.LOGOUT, server, issuer, owner)
                    .withDetail(dropped.size() + " token set(s) dropped"));
            LOG.info(
                    "signed out server={} issuer={} owner={} tokenSets={}",
                    server,
                    issuer,
                    LogIds.owner(owner),
                    dropped.size());
            if (dropped.isEmpty()) {
                continue;
            }
            signedOut.add(issuer);
            upstreams.addAll(ofIssuer);
            problems.addAll(revoke(owner, server, issuer, dropped));
        }
        if (issuers.isEmpty()) {
            audit.record(AuditRecord.ok(AuditEvent.LOGOUT, server, null, owner).withDetail("no tokens held"));
        }
        return new SignOutResult(signedOut, List.copyOf(upstreams), problems);
    }

    /** The upstreams whose last known target authorizes at {@code issuer}, sorted. */
    private List<String> upstreamsOf(String issuer) {
        return targets.values().stream()
                .filter(target -> target.issuer().equals(issuer))
                .map(SignInTarget::upstream)
                .sorted()
                .toList();
    }

    /** One token to revoke and where. */
    private record Revocation(TokenEndpoint endpoint, Secret token, TokenRevoker.Kind kind) {}

    /**
     * Revokes every distinct refresh and access token of {@code dropped}, refresh tokens first (RFC 7009 §2.1: the
     * server may then drop the access tokens of the same grant too). Several sets of one issuer may share a refresh
     * token (one obtained for a second upstream by refresh keeps it), which is revoked once.
     */
    private List<String> revoke(String owner, String server, String issuer, List<TokenSet> dropped) {
        List<String> problems = new ArrayList<>();
        Set<Revocation> refreshTokens = new LinkedHashSet<>();
        Set<Revocation> accessTokens = new LinkedHashSet<>();
        for (TokenSet set : dropped) {
            Optional<TokenEndpoint> endpoint = endpointFor(set);
            if (endpoint.isEmpty()) {
                // The tokens came from a sign-in whose target this process never saw (another replica's).
                problems.add("The tokens of " + issuer
                        + " were dropped but not revoked: Portico does not know that issuer's revocation endpoint.");
                continue;
            }
            if (endpoint.get().revocationUri().isEmpty()) {
                continue; // The server offers no revocation: signing out is local only.
            }
            set.refreshToken()
                    .ifPresent(token ->
                            refreshTokens.add(new Revocation(endpoint.get(), token, TokenRevoker.Kind.REFRESH_TOKEN)));
            accessTokens.add(new Revocation(endpoint.get(), set.accessToken(), TokenRevoker.Kind.ACCESS_TOKEN));
        }
        List<Revocation> all = new ArrayList<>(refreshTokens);
        all.addAll(accessTokens);
        for (Revocation revocation : all) {
            TokenRevoker.Outcome outcome = revoker.revoke(revocation.endpoint(), revocation.token(), revocation.kind());
            String kind = revocation.kind().hint();
            if (outcome.revoked()) {
                audit.record(AuditRecord.ok(AuditEvent.REVOCATION, server, issuer, owner)
                        .withDetail(kind));
            } else {
                String problem = outcome.problem().orElseThrow();
                audit.record(AuditRecord.failed(
                        AuditEvent.REVOCATION,
                        server,
                        issuer,
                        owner,
                        outcome.error().orElseThrow(),
                        problem));
                LOG.info("revocation failed server={} owner={}: {}", server, LogIds.owner(owner), problem);
                problems.add(problem);
            }
        }
        return problems;
    }

    /**
     * The endpoint to revoke {@code set} at: a known target of its issuer whose client the tokens were issued to,
     * since only that client may revoke them (RFC 7009 §2.1); else any target of the issuer, whose refusal then says
     * why.
     */
    private Optional<TokenEndpoint> endpointFor(TokenSet set) {
        List<TokenEndpoint> ofIssuer = targets.values().stream()
                .map(SignInTarget::tokenEndpoint)
                .filter(endpoint -> endpoint.issuer().equals(set.issuer()))
                .toList();
        return ofIssuer.stream()
                .filter(endpoint -> endpoint.clientId().equals(set.clientId()))
                .findFirst()
                .or(() -> ofIssuer.stream().findFirst());
    }
}
