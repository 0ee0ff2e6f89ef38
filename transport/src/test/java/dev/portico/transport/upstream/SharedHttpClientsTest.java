package dev.portico.transport.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SharedHttpClientsTest {

    private final SharedHttpClients clients = new SharedHttpClients();

    @Test
    void whenTwoConnectionsHaveTheSameConnectTimeoutThenTheyShareOneClient() {
        HttpClient one = clients.builder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient two = clients.builder().connectTimeout(Duration.ofSeconds(5)).build();

        assertThat(one).isSameAs(two);
        assertThat(one.connectTimeout()).contains(Duration.ofSeconds(5));
        assertThat(one.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }

    @Test
    void whenConnectTimeoutsDifferThenEachHasItsOwnClient() {
        HttpClient fast =
                clients.builder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpClient slow =
                clients.builder().connectTimeout(Duration.ofSeconds(10)).build();

        assertThat(fast).isNotSameAs(slow);
        assertThat(clients.size()).isEqualTo(2);
    }

    @Test
    void whenAConnectionAsksForASettingOfItsOwnThenItIsRefusedLoudly() {
        assertThatThrownBy(() -> clients.builder().followRedirects(HttpClient.Redirect.ALWAYS))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("the shared upstream HTTP client cannot take a per-connection followRedirects");
        assertThatThrownBy(() -> clients.builder().version(HttpClient.Version.HTTP_2))
                .hasMessage("the shared upstream HTTP client cannot take a per-connection version HTTP_2");
    }
}
