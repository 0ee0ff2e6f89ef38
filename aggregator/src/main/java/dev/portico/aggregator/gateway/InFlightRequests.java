package dev.portico.aggregator.gateway;

import java.time.Duration;

/**
 * Counts the client requests the gateway is answering and, once Portico is stopping, turns new ones away: what a
 * graceful shutdown waits for. Safe for concurrent use.
 */
final class InFlightRequests {

    private int count;
    private boolean stopping;

    /** Counts a new request in, or refuses it (false) once {@link #stopTakingNew()} was called. */
    synchronized boolean tryEnter() {
        if (stopping) {
            return false;
        }
        count++;
        return true;
    }

    synchronized void exit() {
        count--;
        if (count == 0) {
            notifyAll();
        }
    }

    /** From now on {@link #tryEnter()} refuses; returns how many requests are still being answered. */
    synchronized int stopTakingNew() {
        stopping = true;
        return count;
    }

    synchronized int count() {
        return count;
    }

    /** Waits until no request is in flight or {@code limit} has passed; returns how many are left. */
    synchronized int awaitNone(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // Wait in milliseconds (rounded up) so that a remainder below one does not spin.
            wait(Math.max(1, (left + 999_999) / 1_000_000));
        }
        return count;
    }
}
