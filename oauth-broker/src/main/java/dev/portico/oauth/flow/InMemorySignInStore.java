package dev.portico.oauth.flow;

import dev.portico.oauth.storage.EntryCount;
import dev.portico.oauth.storage.EvictionListener;
import dev.portico.oauth.storage.StoreEvictions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SignInStore} in the heap of one process: the start link and the callback must reach the same replica.
 *
 * <p>Bounded: at most {@code maxPerOwner} sign-ins per owner and {@code maxEntries} in all, the oldest (of the owner,
 * or of all) dropped first when a new one would exceed that, with a log line and a call to the {@link
 * EvictionListener}. A client that starts sign-ins in a loop cannot exhaust memory; the worst it does is expire its
 * own older links, and only when many owners together reach the total do others lose theirs.
 * Expired sign-ins stay for {@link #EXPIRED_RETENTION} so that a late click gets "expired" rather than "unknown", and
 * are swept on {@link #put} at most every {@link #SWEEP_INTERVAL}; no thread of its own.
 *
 * <p>Safe for concurrent use: every operation holds the store's lock, which makes take and bind atomic. The
 * operations are constant-time apart from the periodic sweep and {@link #forget(String)}, which are linear in the
 * (bounded) number of entries.
 */
public final class InMemorySignInStore implements SignInStore, EntryCount {

    /** Default for {@link #InMemorySignInStore(Clock)}. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    /** How long an expired sign-in is remembered as expired. */
    public static final Duration EXPIRED_RETENTION = Duration.ofMinutes(30);

    /** How often {@link #put} sweeps out what expired more than {@link #EXPIRED_RETENTION} ago. */
    public static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final Clock clock;
    private final int maxEntries;
    private final int maxPerOwner;
    private final StoreEvictions evictions;
    private final LinkedHashMap<String, PendingSignIn> byState = new LinkedHashMap<>();
    private final Map<String, String> stateByStartId = new HashMap<>();
    /** Each owner's states, oldest first. */
    private final Map<String, LinkedHashSet<String>> statesByOwner = new HashMap<>();

    private Instant nextSweep = Instant.MIN;

    public InMemorySignInStore(Clock clock) {
        this(clock, DEFAULT_MAX_ENTRIES);
    }

    /** With no cap per owner but the total. */
    public InMemorySignInStore(Clock clock, int maxEntries) {
        this(clock, maxEntries, maxEntries, EvictionListener.NONE);
    }

    public InMemorySignInStore(Clock clock, int maxEntries, int maxPerOwner, EvictionListener listener) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 1 || maxPerOwner < 1) {
            throw new IllegalArgumentException(
                    "maxEntries and maxPerOwner must be positive: " + maxEntries + ", " + maxPerOwner);
        }
        this.maxEntries = maxEntries;
        this.maxPerOwner = maxPerOwner;
        this.evictions = new StoreEvictions(StoreEvictions.SIGN_INS, listener);
    }

    @Override
    public synchronized void put(PendingSignIn signIn) {
        Instant now = clock.instant();
        if (!now.isBefore(nextSweep)) {
            sweep(now);
            nextSweep = now.plus(SWEEP_INTERVAL);
        }
        String state = signIn.state().reveal();
        remove(state);
        LinkedHashSet<String> ownStates = statesByOwner.getOrDefault(signIn.owner(), new LinkedHashSet<>());
        int ownEvicted = 0;
        while (ownStates.size() >= maxPerOwner) {
            remove(ownStates.iterator().next());
            ownEvicted++;
        }
        evictions.sessionCapReached(signIn.owner(), ownEvicted, maxPerOwner);
        int evicted = 0;
        while (byState.size() >= maxEntries) {
            remove(byState.keySet().iterator().next());
            evicted++;
        }
        evictions.totalCapReached(evicted, maxEntries);
        byState.put(state, signIn);
        stateByStartId.put(signIn.startId(), state);
        statesByOwner
                .computeIfAbsent(signIn.owner(), owner -> new LinkedHashSet<>())
                .add(state);
    }

    @Override
    public synchronized SignInLookup findByStartId(String startId) {
        String state = stateByStartId.get(startId);
        PendingSignIn signIn = state == null ? null : byState.get(state);
        if (signIn == null) {
            return new SignInLookup.Unknown();
        }
        return signIn.expiredAt(clock.instant()) ? new SignInLookup.Expired(signIn) : new SignInLookup.Found(signIn);
    }

    @Override
    public synchronized BindOutcome bindBrowser(String startId, String bindingHash) {
        String state = stateByStartId.get(startId);
        PendingSignIn signIn = state == null ? null : byState.get(state);
        if (signIn == null) {
            return BindOutcome.UNKNOWN;
        }
        if (signIn.expiredAt(clock.instant())) {
            return BindOutcome.EXPIRED;
        }
        Optional<String> bound = signIn.browserBinding();
        if (bound.isEmpty()) {
            byState.put(state, signIn.boundTo(bindingHash));
            return BindOutcome.BOUND;
        }
        return bound.get().equals(bindingHash) ? BindOutcome.SAME_BROWSER : BindOutcome.OTHER_BROWSER;
    }

    @Override
    public synchronized SignInLookup take(String state) {
        PendingSignIn signIn = remove(state);
        if (signIn == null) {
            return new SignInLookup.Unknown();
        }
        return signIn.expiredAt(clock.instant()) ? new SignInLookup.Expired(signIn) : new SignInLookup.Found(signIn);
    }

    @Override
    public synchronized void forget(String owner) {
        LinkedHashSet<String> states = statesByOwner.get(owner);
        if (states != null) {
            List.copyOf(states).forEach(this::remove);
        }
    }

    @Override
    public synchronized void forget(String owner, String upstream) {
        LinkedHashSet<String> states = statesByOwner.get(owner);
        if (states != null) {
            List.copyOf(states).stream()
                    .filter(state -> byState.get(state).upstream().equals(upstream))
                    .forEach(this::remove);
        }
    }

    /** How many sign-ins are held, expired ones included; for tests and metrics. */
    public synchronized int size() {
        return byState.size();
    }

    @Override
    public long entryCount() {
        return size();
    }

    @Override
    public synchronized String toString() {
        return "InMemorySignInStore[entries=" + byState.size() + ", max=" + maxEntries + ", maxPerOwner=" + maxPerOwner
                + "]";
    }

    private PendingSignIn remove(String state) {
        PendingSignIn removed = byState.remove(state);
        if (removed != null) {
            forgetIndexes(removed);
        }
        return removed;
    }

    private void forgetIndexes(PendingSignIn removed) {
        stateByStartId.remove(removed.startId());
        LinkedHashSet<String> states = statesByOwner.get(removed.owner());
        if (states != null) {
            states.remove(removed.state().reveal());
            if (states.isEmpty()) {
                statesByOwner.remove(removed.owner());
            }
        }
    }

    private void sweep(Instant now) {
        Instant cutoff = now.minus(EXPIRED_RETENTION);
        Iterator<PendingSignIn> it = byState.values().iterator();
        while (it.hasNext()) {
            PendingSignIn signIn = it.next();
            if (signIn.expiresAt().isBefore(cutoff)) {
                it.remove();
                forgetIndexes(signIn);
            }
        }
    }
}
