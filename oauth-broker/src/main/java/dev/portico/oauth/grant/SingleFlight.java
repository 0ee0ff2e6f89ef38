package dev.portico.oauth.grant;

import dev.portico.oauth.token.TokenRequestException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Runs at most one token request per key at a time: a caller that arrives while one runs waits for it and shares its
 * result, or its failure. Nothing is remembered once the request is over; caching is the caller's business.
 *
 * <p>Without it, a burst of calls to an upstream whose token just expired would each ask the token endpoint, and an
 * authorization server that rate-limits clients would refuse the burst.
 */
final class SingleFlight<K, V> {

    /** A token request. */
    interface Request<V> {
        V run() throws TokenRequestException;
    }

    private final ConcurrentHashMap<K, CompletableFuture<V>> running = new ConcurrentHashMap<>();

    V run(K key, Request<V> request) throws TokenRequestException {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            return await(theirs);
        }
        try {
            V value = request.run();
            mine.complete(value);
            return value;
        } catch (TokenRequestException | RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }

    private static <V> V await(CompletableFuture<V> future) throws TokenRequestException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a token request", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TokenRequestException) {
                throw (TokenRequestException) cause;
            }
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            throw (Error) cause;
        }
    }
}
