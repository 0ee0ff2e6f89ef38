package dev.portico.aggregator.session;

/**
 * Told how sessions' connections to upstreams fare, for metrics: whether an upstream answers, and how often sessions
 * connect again. Called on connection threads, sometimes with a {@link SessionUpstream}'s lock held: implementations
 * only count, never block or call back.
 */
public interface UpstreamObserver {

    /**
     * A connection attempt or a live connection showed whether {@code upstream} answers: true when it connected or
     * answered with a refusal or an error of its own, false when it could not be reached, timed out or sent nonsense.
     */
    void answered(String upstream, boolean answers);

    /**
     * A session connects to {@code upstream} again: a retry after a failure or a lost connection, or a fresh
     * connection after a sign-in or sign-out.
     */
    void reconnecting(String upstream);
}
