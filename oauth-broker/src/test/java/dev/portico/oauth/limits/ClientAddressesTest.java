package dev.portico.oauth.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portico.config.CidrBlock;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClientAddressesTest {

    private final ClientAddresses behindProxies =
            new ClientAddresses(List.of(CidrBlock.parse("10.0.0.0/8"), CidrBlock.parse("fd00::/8")));

    @ParameterizedTest(name = "peer {0}, X-Forwarded-For \"{1}\" -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // Not from a trusted proxy: the header is the client's own claim and ignored.
                "203.0.113.9 | 198.51.100.1       | 203.0.113.9",
                // From a trusted proxy: the hop it appended is the client.
                "10.0.0.5    | 198.51.100.1       | 198.51.100.1",
                // The client prepended a fake; only the right end, written by the proxy, counts.
                "10.0.0.5    | 1.2.3.4, 198.51.100.1 | 198.51.100.1",
                // Two trusted proxies in a row are skipped.
                "10.0.0.5    | 198.51.100.1, 10.0.0.7 | 198.51.100.1",
                // Only trusted hops: the leftmost is as close to the client as can be told.
                "10.0.0.5    | 10.0.0.8, 10.0.0.7  | 10.0.0.8",
                // A hop that is not an IP literal ends the walk at the last trusted hop; no name is looked up.
                "10.0.0.5    | evil.example, 10.0.0.7 | 10.0.0.7",
                // No header: the proxy itself.
                "10.0.0.5    | ''                 | 10.0.0.5",
                "fd00::1     | 2001:db8::1        | 2001:db8:0:0:0:0:0:1"
            })
    void whenResolvingThenOnlyTrustedProxiesAreBelieved(String peer, String forwardedFor, String client) {
        assertThat(behindProxies.resolve(peer, forwardedFor.isEmpty() ? List.of() : List.of(forwardedFor)))
                .isEqualTo(client);
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.5, 198.51.100.1", "127.0.0.1, 198.51.100.1"})
    void whenNoProxyIsTrustedThenThePeerIsTheClient(String peer, String forwardedFor) {
        assertThat(new ClientAddresses(List.of()).resolve(peer, List.of(forwardedFor)))
                .isEqualTo(peer);
    }
}
