package dev.portico.aggregator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

    private final InFlightRequests requests = new InFlightRequests();

    @Test
    void onceStoppingNewRequestsAreRefusedAndThoseInFlightAreCounted() {
        assertThat(requests.tryEnter()).isTrue();
        assertThat(requests.tryEnter()).isTrue();

        assertThat(requests.stopTakingNew()).isEqualTo(2);

        assertThat(requests.tryEnter()).isFalse();
        assertThat(requests.count()).isEqualTo(2);
    }

    @Test
    void awaitNoneReturnsHowManyAreLeftWhenTheLimitPasses() throws InterruptedException {
        requests.tryEnter();
        requests.stopTakingNew();

        assertThat(requests.awaitNone(Duration.ZERO)).isEqualTo(1);
    }

    @Test
    void awaitNoneReturnsOnceTheLastRequestExits() throws InterruptedException {
        requests.tryEnter();
        requests.stopTakingNew();
        Thread finisher = new Thread(requests::exit);
        finisher.start();

        assertThat(requests.awaitNone(Duration.ofMinutes(1))).isZero();
        finisher.join();
    }
}
