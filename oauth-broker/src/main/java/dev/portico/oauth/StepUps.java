package dev.portico.oauth;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step-up sign-ins (RFC 6750 §3.1 {@code insufficient_scope}) of each owner and upstream, so that an upstream that
 * keeps asking for a scope the authorization server never grants cannot send the user through sign-in forever.
 *
 * <p>Per owner and upstream it keeps the scopes the upstream asked for, the step-up sign-in in progress, and how many
 * step-up sign-ins completed. The count starts over once the upstream accepts a call made with a token that has every
 * scope asked for ({@link #accepted}): the step-up worked. Safe for concurrent use; emptied per owner by
 * {@link #forget}.
 */
final class StepUps {

    private record Key(String owner, String upstream) {}

    private static final class State {
        final Set<String> wanted = new LinkedHashSet<>();
        int completedSignIns;
        Optional<String> pendingFlow = Optional.empty();
        boolean lastTokenCovered;
    }

    private final ConcurrentHashMap<Key, State> states = new ConcurrentHashMap<>();

    /**
     * Notes that {@code upstream} asked {@code owner} for {@code scopes}; answers every scope it asked for since the
     * count last started over, and how many step-up sign-ins completed since.
     */
    Demand challenged(String owner, String upstream, Set<String> scopes) {
        State state = states.computeIfAbsent(new Key(owner, upstream), k -> new State());
        synchronized (state) {
            state.wanted.addAll(scopes);
            state.lastTokenCovered = false;
            return new Demand(Collections.unmodifiableSet(new LinkedHashSet<>(state.wanted)), state.completedSignIns);
        }
    }

    /** A step-up sign-in started for {@code owner} and {@code upstream}; it replaces any earlier one not finished. */
    void started(String owner, String upstream, String flowId) {
        State state = states.computeIfAbsent(new Key(owner, upstream), k -> new State());
        synchronized (state) {
            state.pendingFlow = Optional.of(flowId);
        }
    }

    /** A sign-in finished; counts it if it was the step-up in progress. */
    void completed(String owner, String upstream, String flowId) {
        State state = states.get(new Key(owner, upstream));
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.pendingFlow.filter(flowId::equals).isPresent()) {
                state.pendingFlow = Optional.empty();
                state.completedSignIns++;
            }
        }
    }

    /** A token with {@code scopes} went out to the upstream for the owner. */
    void handedOut(String owner, String upstream, Set<String> scopes) {
        State state = states.get(new Key(owner, upstream));
        if (state == null) {
            return;
        }
        synchronized (state) {
            state.lastTokenCovered = scopes.containsAll(state.wanted);
        }
    }

    /** The upstream took a call; if the token sent had every scope asked for, the step-up is over. */
    void accepted(String owner, String upstream) {
        Key key = new Key(owner, upstream);
        State state = states.get(key);
        if (state == null) {
            return;
        }
        synchronized (state) {
            if (state.lastTokenCovered && state.pendingFlow.isEmpty()) {
                states.remove(key, state);
            }
        }
    }

    void forget(String owner) {
        states.keySet().removeIf(key -> key.owner().equals(owner));
    }

    /**
     * @param scopes every scope the upstream asked for since the count started
     * @param completedSignIns the step-up sign-ins completed since, which did not satisfy the upstream
     */
    record Demand(Set<String> scopes, int completedSignIns) {

        /**
         * Why no further step-up, fit for the user: the limit is 0, or the authorization server did not grant the
         * scopes, or it did and the upstream refuses the token all the same.
         *
         * @param heldScopes the scopes of the token the session holds for the upstream
         */
        String refusal(String upstream, Set<String> heldScopes) {
            Set<String> missing = new TreeSet<>(scopes);
            missing.removeAll(heldScopes);
            boolean granted = missing.isEmpty();
            Set<String> named = granted ? new TreeSet<>(scopes) : missing;
            String list = (named.size() == 1 ? "scope " : "scopes ") + String.join(", ", named);
            String after = completedSignIns + (completedSignIns == 1 ? " sign-in" : " sign-ins");
            if (named.isEmpty()) {
                // RFC 6750 makes scope optional: the upstream may not say what it lacks.
                return "Server '" + upstream + "' refuses this session for lack of scope without saying which, after "
                        + after + ".";
            }
            if (completedSignIns == 0) {
                return "Server '" + upstream + "' refuses this session: it needs " + list
                        + ", and Portico asks the user for more scopes only when oauth.stepUpLimit is above 0.";
            }
            if (granted) {
                return "Server '" + upstream + "' still refuses this session: it asks for " + list
                        + ", which this session's token has, after " + after + ".";
            }
            return "Server '" + upstream + "' still refuses this session: it needs " + list
                    + ", which the authorization server did not grant after " + after + ".";
        }
    }
}
