package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrBlockTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "127.0.0.0/8, 127.0.0.0/8",
        "0.0.0.0/0, 0.0.0.0/0",
        "10.1.2.3/32, 10.1.2.3/32",
        "::1/128, ::1/128",
        "::/0, ::/0",
        "FD00::/8, fd00::/8",
        "2001:0db8:0000:0000:0000:0000:0000:0001/128, 2001:db8::1/128",
        "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
        "1:0:2:0:3:0:4:0/128, 1:0:2:0:3:0:4:0/128",
        "fe80:0:0:0:0:0:0:0/10, fe80::/10",
        "1:2:3:4:5:6:7:0/128, 1:2:3:4:5:6:7:0/128"
    })
    void whenTextIsCidrNotationThenItParsesToItsCanonicalForm(String text, String canonical) {
        assertThat(CidrBlock.parse(text)).hasToString(canonical);
    }

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "127.0.0.0/8, 127.0.0.1, true",
        "127.0.0.0/8, 127.255.255.255, true",
        "127.0.0.0/8, 128.0.0.1, false",
        "10.1.0.0/16, 10.1.200.7, true",
        "10.1.0.0/16, 10.2.0.1, false",
        "192.168.1.0/25, 192.168.1.127, true",
        "192.168.1.0/25, 192.168.1.128, false",
        "0.0.0.0/0, 8.8.8.8, true",
        "::1/128, ::1, true",
        "::1/128, ::2, false",
        "fd00::/8, fd12:3456::1, true",
        "fd00::/8, fe80::1, false",
        "0.0.0.0/0, ::1, false",
        "::/0, 127.0.0.1, false"
    })
    void containsMatchesOnlyAddressesOfTheNetworkAndItsFamily(String block, String address, boolean expected)
            throws UnknownHostException {
        assertThat(CidrBlock.parse(block).contains(InetAddress.getByName(address)))
                .isEqualTo(expected);
    }

    @Test
    void whenTwoSpellingsNameTheSameNetworkThenTheyAreEqual() {
        assertThat(CidrBlock.parse("FD00:0::/8")).isEqualTo(CidrBlock.parse("fd00::/8"));
        assertThat(CidrBlock.parse("FD00:0::/8")).hasSameHashCodeAs(CidrBlock.parse("fd00::/8"));
        assertThat(CidrBlock.parse("10.0.0.0/8")).isNotEqualTo(CidrBlock.parse("10.0.0.0/16"));
    }

    @Test
    void reportsPrefixLengthAndFamily() {
        CidrBlock block = CidrBlock.parse("fd00::/8");

        assertThat(block.prefixLength()).isEqualTo(8);
        assertThat(block.isIpv6()).isTrue();
        assertThat(CidrBlock.parse("10.0.0.0/8").isIpv6()).isFalse();
    }

    @Test
    void whenTextIsNotCidrNotationThenParseFailsQuotingTheTextAndSayingWhy() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CidrBlock.parse("10.0.0.1/8"))
                .withMessage("\"10.0.0.1/8\" is not a valid CIDR block: the address has bits set after the /8 prefix");
    }

    @Test
    void whenTheAddressIsAHostNameThenNoLookupIsMadeAndItIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> CidrBlock.parse("example.com/24"))
                .withMessageContaining("the address is not an IPv4 address");
    }
}
