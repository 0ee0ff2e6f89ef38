package dev.portico.oauth.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portico.oauth.token.TokenRequestException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

    private final SingleFlight<String, String> flights = new SingleFlight<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void whenACallArrivesWhileARequestRunsThenItSharesTheResult() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> started = new CompletableFuture<>();
        Future<String> first = threads.submit(() -> flights.run("reports", () -> {
            requests.incrementAndGet();
            started.complete(null);
            awaitLatch(release);
            return "token-1";
        }));
        started.get(10, TimeUnit.SECONDS);
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        Future<String> second = threads.submit(() -> {
            secondThread.set(Thread.currentThread());
            return flights.run("reports", () -> {
                requests.incrementAndGet();
                return "token-2";
            });
        });
        waitUntilParked(secondThread);

        release.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("token-1");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("token-1");
        assertThat(requests).hasValue(1);
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Until the thread waits (for the running request), or at most ten seconds. */
    private static void waitUntilParked(AtomicReference<Thread> thread) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            Thread t = thread.get();
            if (t != null && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING)) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the second call never waited");
    }

    @Test
    void whenARequestFailsThenTheFailureIsNotRememberedForTheNextCall() throws Exception {
        TokenRequestException refused = TokenRequestException.errorResponse("https://idp", 401, "invalid_client", null);

        assertThatThrownBy(() -> flights.run("reports", () -> {
                    throw refused;
                }))
                .isSameAs(refused);
        assertThat(flights.run("reports", () -> "token")).isEqualTo("token");
    }

    @Test
    void whenKeysDifferThenRequestsRunSideBySide() throws ExecutionException, InterruptedException, Exception {
        CountDownLatch both = new CountDownLatch(2);
        Future<String> a = threads.submit(() -> flights.run("a", () -> {
            both.countDown();
            awaitLatch(both);
            return "a";
        }));
        Future<String> b = threads.submit(() -> flights.run("b", () -> {
            both.countDown();
            awaitLatch(both);
            return "b";
        }));

        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(both.getCount()).isZero();
    }
}
