package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecurityConfigErrorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"yes", "no", "on", "True", "1", "\"\""})
    void whenAllowInsecureLoopbackIsNotTrueOrFalseThenProblemAsksForOne(String value) {
        ConfigProblem problem = onlyProblem("security:\n  allowInsecureLoopback: " + value + "\n");
        String written = value.equals("\"\"") ? "" : value;

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        26,
                        "security.allowInsecureLoopback",
                        "expected true or false, got \"" + written + "\"",
                        "write allowInsecureLoopback: true or allowInsecureLoopback: false"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0            | it has no prefix length",
                "10.0.0.0/33         | the prefix length \"33\" is not a number from 0 to 32 (the range for IPv4)",
                "::1/129             | the prefix length \"129\" is not a number from 0 to 128 (the range for IPv6)",
                "10.0.0.0/-1         | the prefix length \"-1\" is not a number from 0 to 32 (the range for IPv4)",
                "10.0.0.0/           | the prefix length \"\" is not a number from 0 to 32 (the range for IPv4)",
                "10.0.0.0/8/8        | the prefix length \"8/8\" is not a number from 0 to 32 (the range for IPv4)",
                "10.0.0/8            | the address is not an IPv4 address (four numbers separated by dots) or an"
                        + " IPv6 address",
                "localhost/8         | the address is not an IPv4 address (four numbers separated by dots) or an"
                        + " IPv6 address",
                "256.0.0.0/8         | the address is not an IPv4 address: 256 is larger than 255",
                "10.0.x.0/24         | the address is not an IPv4 address: \"x\" is not a number from 0 to 255",
                "010.0.0.0/8         | the address is ambiguous: \"010\" has a leading zero",
                "fe80::1%eth0/64     | the address is not an IPv6 address (only hex digits, \":\" and \".\" are"
                        + " allowed; no brackets or zone)",
                "[::1]/128           | the address is not an IPv6 address (only hex digits, \":\" and \".\" are"
                        + " allowed; no brackets or zone)",
                "1:2:3/64            | the address is not a valid IPv6 address",
                "1::2::3/64          | the address is not a valid IPv6 address",
                "::ffff:10.0.0.0/104 | the address is an IPv4-mapped IPv6 address; write it in IPv4 form"
            })
    void whenANetworkIsNotCidrNotationThenProblemPointsAtTheItemAndSaysWhy(String network, String why) {
        ConfigProblem problem = onlyProblem(
                """
                security:
                  allowedPrivateNetworks:
                    - 127.0.0.0/8
                    - "%s"
                """
                        .formatted(network));

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        4,
                        7,
                        "security.allowedPrivateNetworks[1]",
                        "\"" + network + "\" is not a valid CIDR block: " + why,
                        CidrBlock.GENERAL_FIX));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.0.0.1/8, 10.0.0.0/8, 32",
        "192.168.1.10/24, 192.168.1.0/24, 32",
        "fd00::1/8, fd00::/8, 128",
        "127.0.0.1/0, 0.0.0.0/0, 32"
    })
    void whenANetworkHasHostBitsSetThenTheFixNamesTheNetwork(String written, String network, int single) {
        ConfigProblem problem = onlyProblem("security:\n  allowedPrivateNetworks: [\"" + written + "\"]\n");

        assertThat(problem.line()).isEqualTo(2);
        assertThat(problem.column()).isEqualTo(28);
        assertThat(problem.path()).isEqualTo("security.allowedPrivateNetworks[0]");
        assertThat(problem.message())
                .isEqualTo("\"" + written + "\" is not a valid CIDR block: the address has bits set after the /"
                        + network.substring(network.indexOf('/') + 1) + " prefix");
        assertThat(problem.fix())
                .isEqualTo("write the network address: " + network + " (or /" + single + " for the single address)");
    }

    @Test
    void whenSeveralNetworksAreInvalidThenEachIsReported() {
        List<ConfigProblem> problems = Configs.problems("security:\n  allowedPrivateNetworks: [a, 10.0.0.0/8, b]\n");

        assertThat(problems)
                .extracting(ConfigProblem::path)
                .containsExactly("security.allowedPrivateNetworks[0]", "security.allowedPrivateNetworks[2]");
    }

    @Test
    void whenAllowedPrivateNetworksIsASingleStringThenProblemAsksForAList() {
        ConfigProblem problem = onlyProblem("security:\n  allowedPrivateNetworks: 127.0.0.0/8\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        27,
                        "security.allowedPrivateNetworks",
                        "expected a list of strings, got \"127.0.0.0/8\"",
                        "write it like: allowedPrivateNetworks: [127.0.0.0/8, \"::1/128\"]"));
    }

    @Test
    void whenANetworkItemIsEmptyThenProblemPointsAtTheItem() {
        ConfigProblem problem = onlyProblem("security:\n  allowedPrivateNetworks:\n    -\n");

        assertThat(problem.path()).isEqualTo("security.allowedPrivateNetworks[0]");
        assertThat(problem.message()).isEqualTo("empty value");
    }

    @Test
    void whenASecurityKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem("security:\n  allowedPrivateNetwork: []\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        3,
                        "security.allowedPrivateNetwork",
                        "unknown key `allowedPrivateNetwork`",
                        "did you mean `allowedPrivateNetworks`?"));
    }

    @Test
    void whenSecurityIsNotAMappingThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem("security: strict\n");

        assertThat(problem.path()).isEqualTo("security");
        assertThat(problem.message()).isEqualTo("expected a mapping, got \"strict\"");
        assertThat(problem.fix())
                .isEqualTo("write it like: security: {allowInsecureLoopback: false, allowedPrivateNetworks: []}");
    }
}
