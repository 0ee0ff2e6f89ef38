package dev.portico.oauth.token;

import dev.portico.config.Secret;
import dev.portico.oauth.audit.AuditEvent;
import dev.portico.oauth.audit.AuditRecord;
import dev.portico.oauth.audit.AuthAudit;
import dev.portico.oauth.storage.StorageUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the access token to send to an upstream, renewing it when that is what it takes.
 *
 * <p>One sign-in serves every upstream of the same issuer whose scopes it covers (the MCP authorization spec's
 * single sign-on across resources). Among the owner's token sets from the issuer that cover the scopes, in this order
 * of preference:
 *
 * <ol>
 *   <li>a set for this very resource, or not bound to any resource, is used as it is while it is valid, and renewed
 *       with its refresh token once it expires, or will within the refresh margin ({@code oauth.refreshMargin}), so
 *       that it is still valid when the upstream reads it;
 *   <li>a set for another resource of the same issuer is exchanged, with its refresh token and {@code resource}, for
 *       a token bound to this resource (RFC 8707 §2.2), which is stored beside it; without a refresh token (or when
 *       the refresh fails) its access token is sent as it is, and the upstream decides whether it accepts it.
 * </ol>
 *
 * <p>A set that expired and cannot be renewed is dropped, so the upstream's next 401 leads to a new sign-in. A set
 * whose access token an upstream refused before it expired is renewed on demand ({@link #renewRefused}).
 *
 * <p>Safe for concurrent use. Refreshes of one owner are serialized, and each one re-checks the store once it holds
 * the lock, so that concurrent calls that all find the token expiring cause one refresh request, not one each, and
 * do not spend a refresh token that the server rotates twice; across replicas of a shared store, {@link
 * TokenStore#renew} does the same. Every refresh is audited ({@link AuditEvent#REFRESH}). While a shared store is
 * unreachable, a set that needs no renewal is still handed out (if the store can still read it), and one that does
 * is not renewed.
 */
public final class AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);
    private static final int LOCK_STRIPES = 64;

    private final TokenStore store;
    private final TokenClient client;
    private final Clock clock;
    private final Duration refreshMargin;
    private final AuthAudit audit;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /**
     * @param refreshMargin how long before its expiry a token is renewed: the request must still arrive in time
     * @param audit where refreshes are recorded
     */
    public AccessTokens(TokenStore store, TokenClient client, Clock clock, Duration refreshMargin, AuthAudit audit) {
        this.store = Objects.requireNonNull(store, "store");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshMargin = Objects.requireNonNull(refreshMargin, "refreshMargin");
        this.audit = Objects.requireNonNull(audit, "audit");
        if (refreshMargin.isNegative()) {
            throw new IllegalArgumentException("refreshMargin must not be negative: " + refreshMargin);
        }
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * The owner's token set for {@code need}, renewed if needed; empty when the owner must sign in. No network
     * unless a refresh is due.
     */
    public Optional<TokenSet> find(String owner, TokenNeed need) {
        Choice choice = choose(owner, need);
        if (choice == null || choice.usableAsIs()) {
            return choice == null ? Optional.empty() : Optional.of(choice.tokens);
        }
        ReentrantLock lock = lockOf(owner);
        lock.lock();
        try {
            // Another call may have renewed it while this one waited.
            choice = choose(owner, need);
            if (choice == null || choice.usableAsIs()) {
                return choice == null ? Optional.empty() : Optional.of(choice.tokens);
            }
            return renew(owner, need, choice);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Renews the owner's set for {@code need} whose access token {@code refused} an upstream has just refused with a
     * 401, although it may not have expired (revoked, or the upstream's clock runs ahead). When another call renewed
     * it meanwhile, that renewal is the answer and no second request is made. Empty when it cannot be renewed (no
     * refresh token, {@code invalid_grant}, server unreachable): the refused set is then dropped, since sending it
     * again would only be refused again, and the owner must sign in.
     */
    public Optional<TokenSet> renewRefused(String owner, TokenNeed need, Secret refused) {
        Objects.requireNonNull(refused, "refused");
        ReentrantLock lock = lockOf(owner);
        lock.lock();
        try {
            Choice choice = choose(owner, need);
            if (choice == null) {
                return Optional.empty();
            }
            if (!choice.tokens.accessToken().equals(refused)) {
                // Renewed by another call while this one waited, or another set fits better: that one is new.
                return choice.usableAsIs() ? Optional.of(choice.tokens) : renew(owner, need, choice);
            }
            Optional<TokenSet> renewed = refresh(owner, need, choice.tokens, "refused");
            // A no-op when the renewed set took its place under the same key; else the refused set must not linger.
            store.remove(owner, choice.tokens);
            return renewed;
        } finally {
            lock.unlock();
        }
    }

    private ReentrantLock lockOf(String owner) {
        return locks[Math.floorMod(owner.hashCode(), LOCK_STRIPES)];
    }

    private Optional<TokenSet> renew(String owner, TokenNeed need, Choice choice) {
        Optional<TokenSet> renewed = refresh(owner, need, choice.tokens, choice.expired ? "expired" : "other resource");
        return renewed.isPresent() ? renewed : fallBack(owner, choice);
    }

    /**
     * One refresh request, stored and audited; empty when the set cannot be refreshed or the server said no. The
     * caller decides what becomes of the old set.
     */
    private Optional<TokenSet> refresh(String owner, TokenNeed need, TokenSet tokens, String reason) {
        boolean refreshable = tokens.refreshToken().isPresent()
                && tokens.clientId().equals(need.endpoint().clientId());
        if (!refreshable) {
            audit.record(AuditRecord.failed(
                    AuditEvent.REFRESH,
                    need.upstream(),
                    need.issuer(),
                    owner,
                    "no_refresh_token",
                    "reason=" + reason + "; the token set has no refresh token for this client"));
            return Optional.empty();
        }
        boolean[] requested = {false};
        TokenSet[] obtained = {null};
        try {
            // Under the store's lock for this set: a replica that renewed it meanwhile leaves its result, not a
            // second request with a refresh token that may already be spent.
            Optional<TokenSet> held = store.renew(owner, tokens, current -> {
                requested[0] = true;
                obtained[0] = client.refresh(need.endpoint(), current, need.resource());
                return obtained[0];
            });
            if (!requested[0]) {
                LOG.debug(
                        "token renewed elsewhere meanwhile upstream={} issuer={} owner={}",
                        need.upstream(),
                        need.issuer(),
                        LogIds.owner(owner));
                return held;
            }
            LOG.info(
                    "token refreshed upstream={} issuer={} owner={} reason={}",
                    need.upstream(),
                    need.issuer(),
                    LogIds.owner(owner),
                    reason);
            audit.record(AuditRecord.ok(AuditEvent.REFRESH, need.upstream(), need.issuer(), owner)
                    .withDetail("reason=" + reason));
            return held;
        } catch (StorageUnavailableException e) {
            // Nothing was stored. A token obtained before the store failed still serves this call; the next one
            // renews again (or signs in, if the server rotated the refresh token).
            LOG.warn(
                    "token refresh not stored upstream={} issuer={} owner={}: {}",
                    need.upstream(),
                    need.issuer(),
                    LogIds.owner(owner),
                    e.getMessage());
            return Optional.ofNullable(obtained[0]);
        } catch (TokenRequestException e) {
            LOG.info(
                    "token refresh failed upstream={} issuer={} owner={}: {}",
                    need.upstream(),
                    need.issuer(),
                    LogIds.owner(owner),
                    e.getMessage());
            audit.record(AuditRecord.failed(
                    AuditEvent.REFRESH,
                    need.upstream(),
                    need.issuer(),
                    owner,
                    e.errorCode().orElse(e.kind().name().toLowerCase(Locale.ROOT)),
                    "reason=" + reason));
            return Optional.empty();
        }
    }

    /** Without a renewal: an expired set is useless, a valid one for another resource is worth a try. */
    private Optional<TokenSet> fallBack(String owner, Choice choice) {
        if (choice.expired) {
            try {
                store.remove(owner, choice.tokens);
            } catch (StorageUnavailableException e) {
                // Left for the next call to drop: an expired set is never handed out.
                LOG.debug("expired token set kept for now owner={}: {}", LogIds.owner(owner), e.getMessage());
            }
            return Optional.empty();
        }
        return Optional.of(choice.tokens);
    }

    private Choice choose(String owner, TokenNeed need) {
        List<TokenSet> candidates = store.find(owner, need.issuer(), need.scopes());
        if (candidates.isEmpty()) {
            return null;
        }
        Instant now = Instant.now(clock);
        TokenSet chosen = null;
        if (need.resource().isPresent()) {
            chosen = candidates.stream()
                    .filter(t -> t.resource().equals(need.resource()))
                    .findFirst()
                    .orElse(null);
        }
        if (chosen == null) {
            chosen = candidates.stream()
                    .filter(t -> t.resource().isEmpty())
                    .findFirst()
                    .orElse(candidates.get(0));
        }
        boolean otherResource = need.resource().isPresent()
                && chosen.resource().isPresent()
                && !chosen.resource().equals(need.resource());
        return new Choice(chosen, chosen.expiresWithin(now, refreshMargin), otherResource);
    }

    /** The candidate picked, and what stands between it and the upstream. */
    private static final class Choice {
        final TokenSet tokens;
        final boolean expired;
        final boolean otherResource;

        Choice(TokenSet tokens, boolean expired, boolean otherResource) {
            this.tokens = tokens;
            this.expired = expired;
            this.otherResource = otherResource;
        }

        boolean usableAsIs() {
            return !expired && !otherResource;
        }
    }
}
