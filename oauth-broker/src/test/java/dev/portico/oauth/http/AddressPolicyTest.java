package dev.portico.oauth.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private static final AddressPolicy NOTHING_ALLOWED = new AddressPolicy(List.of());

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "0.0.0.0         | an unspecified address",
                "10.1.2.3        | a private address (RFC 1918)",
                "100.64.0.1      | a shared address (RFC 6598)",
                "127.0.0.1       | a loopback address",
                "169.254.1.1     | a link-local address",
                "169.254.169.254 | the cloud metadata endpoint",
                "172.16.0.1      | a private address (RFC 1918)",
                "172.31.255.255  | a private address (RFC 1918)",
                "192.168.1.1     | a private address (RFC 1918)",
                "224.0.0.1       | a multicast address",
                "255.255.255.255 | a reserved address",
                "::              | an unspecified address",
                "::1             | a loopback address",
                "fe80::1         | a link-local address",
                "fc00::1         | a unique-local address",
                "fd12:3456::1    | a unique-local address",
                "fd00:ec2::254   | the cloud metadata endpoint",
                "ff02::1         | a multicast address",
                "::ffff:10.0.0.1 | a private address (RFC 1918)",
                "64:ff9b::a9fe:a9fe | the cloud metadata endpoint embedded in IPv6",
                "2002:7f00:1::   | a loopback address embedded in IPv6",
            })
    void whenTheAddressIsNotPublicThenItIsRefused(String address, String kind) throws Exception {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName(address)))
                .hasValueSatisfying(refusal -> assertThat(refusal).contains(kind));
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111"})
    void whenTheAddressIsPublicThenItIsAllowed(String address) throws Exception {
        assertThat(NOTHING_ALLOWED.refusal(InetAddress.getByName(address))).isEmpty();
    }

    @Test
    void whenAnAllowedNetworkContainsTheAddressThenItIsAllowed() throws Exception {
        AddressPolicy policy = new AddressPolicy(List.of(IpNetwork.parse("127.0.0.0/8"), IpNetwork.parse("fd00::/8")));

        assertThat(policy.refusal(InetAddress.getByName("127.0.0.2"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("fd00::5"))).isEmpty();
        assertThat(policy.refusal(InetAddress.getByName("10.0.0.1"))).isPresent();
        assertThat(policy.refusal(InetAddress.getByName("::1"))).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0", "example.com", "10.0.0.256/8", "::1/129", "10.0.0.0/x", ""})
    void whenANetworkIsNotCidrThenTheSettingsAreRejected(String network) {
        assertThatThrownBy(() -> new OutboundHttpSettings(
                        true, List.of(network), 1024, Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(network);
    }

    @Test
    void whenTheHostIsALoopbackNameThenItIsRecognised() {
        assertThat(PinnedAddressResolver.isLoopbackName("localhost")).isTrue();
        assertThat(PinnedAddressResolver.isLoopbackName("LOCALHOST.")).isTrue();
        assertThat(PinnedAddressResolver.isLoopbackName("app.localhost")).isTrue();
        assertThat(PinnedAddressResolver.isLoopbackName("localhost.example.com"))
                .isFalse();
    }
}
