package dev.portico.oauth.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 *       with its refresh token once it expires (or will within {@link #EXPIRY_MARGIN});
 *   <li>a set for another resource of the same issuer is exchanged, with its refresh token and {@code resource}, for
 *       a token bound to this resource (RFC 8707 §2.2), which is stored beside it; without a refresh token (or when
 *       the refresh fails) its access token is sent as it is, and the upstream decides whether it accepts it.
 * </ol>
 *
 * <p>A set that expired and cannot be renewed is dropped, so the upstream's next 401 leads to a new sign-in.
 *
 * <p>Safe for concurrent use. Refreshes of one owner are serialized, so that two calls do not both spend a refresh
 * token that the server rotates.
 */
public final class AccessTokens {

    /** How long before {@code expires_in} runs out a token is renewed: the request must still arrive in time. */
    public static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);
    private static final int LOCK_STRIPES = 64;

    private final TokenStore store;
    private final TokenClient client;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public AccessTokens(TokenStore store, TokenClient client, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
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
        ReentrantLock lock = locks[Math.floorMod(owner.hashCode(), LOCK_STRIPES)];
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

    private Optional<TokenSet> renew(String owner, TokenNeed need, Choice choice) {
        TokenSet tokens = choice.tokens;
        boolean refreshable = tokens.refreshToken().isPresent()
                && tokens.clientId().equals(need.endpoint().clientId());
        if (!refreshable) {
            return fallBack(owner, choice);
        }
        try {
            TokenSet renewed = client.refresh(need.endpoint(), tokens, need.resource());
            store.put(owner, renewed);
            LOG.info(
                    "token refreshed upstream={} issuer={} owner={} reason={}",
                    need.upstream(),
                    need.issuer(),
                    LogIds.owner(owner),
                    choice.expired ? "expired" : "other resource");
            return Optional.of(renewed);
        } catch (TokenRequestException e) {
            LOG.info(
                    "token refresh failed upstream={} issuer={} owner={}: {}",
                    need.upstream(),
                    need.issuer(),
                    LogIds.owner(owner),
                    e.getMessage());
            if (e.grantRejected() && choice.expired) {
                store.remove(owner, tokens);
            }
            return fallBack(owner, choice);
        }
    }

    /** Without a renewal: an expired set is useless, a valid one for another resource is worth a try. */
    private Optional<TokenSet> fallBack(String owner, Choice choice) {
        if (choice.expired) {
            store.remove(owner, choice.tokens);
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
        return new Choice(chosen, chosen.expiresWithin(now, EXPIRY_MARGIN), otherResource);
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
