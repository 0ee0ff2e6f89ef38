package dev.portico.transport.downstream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * Marks the thread that serves a downstream POST while it is inside the SDK's servlet, which holds it until the
 * request is answered. Work started on such a thread may therefore wait on it (a blocking upstream exchange) at no
 * cost to anyone else, and save the hand-offs between threads that an asynchronous exchange needs
 * (docs/performance.md). Anything else, a continuation on an HTTP client's thread or the common pool, must not.
 */
public final class WaitingRequestThreads {

    private static final ThreadLocal<Boolean> WAITING = new ThreadLocal<>();

    private WaitingRequestThreads() {}

    /** Whether the current thread serves a downstream request and waits for its answer anyway. */
    public static boolean current() {
        return WAITING.get() != null;
    }

    /** Runs {@code work} with the current thread marked: for a caller that waits on it for an answer anyway. */
    public static <T> T call(Callable<T> work) throws Exception {
        WAITING.set(Boolean.TRUE);
        try {
            return work.call();
        } finally {
            WAITING.remove();
        }
    }

    /** Passes the request down {@code chain} with the current thread marked. */
    static void doFilter(FilterChain chain, ServletRequest request, ServletResponse response)
            throws IOException, ServletException {
        WAITING.set(Boolean.TRUE);
        try {
            chain.doFilter(request, response);
        } finally {
            WAITING.remove();
        }
    }
}
