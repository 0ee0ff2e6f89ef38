package dev.portico.config;

import static dev.portico.config.Configs.FILE;
import static dev.portico.config.Configs.onlyProblem;
import static dev.portico.config.Configs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitsConfigTest {

    @Test
    void whenLimitsAreAbsentThenTheDefaultsApply() {
        LimitsConfig limits = parse("server: {port: 8080}\n").limits();

        assertThat(limits).isEqualTo(LimitsConfig.defaults());
        assertThat(limits.signInStartsPerMinutePerSession()).isEqualTo(30);
        assertThat(limits.signInStartsPerMinutePerClientIp()).isEqualTo(60);
        assertThat(limits.callbacksPerMinutePerClientIp()).isEqualTo(60);
        assertThat(limits.maxPendingSignInsPerSession()).isEqualTo(50);
        assertThat(limits.maxPendingSignIns()).isEqualTo(10_000);
        assertThat(limits.maxTokenSetsPerSession()).isEqualTo(64);
        assertThat(limits.maxTokenSets()).isEqualTo(100_000);
        assertThat(limits.maxRequestBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(limits.maxRequestHeaderBytes()).isEqualTo(8192);
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(limits.trustedProxies()).isEmpty();
    }

    @Test
    void whenEveryKeyIsSetThenEachIsRead() {
        LimitsConfig limits = parse(
                        """
                        limits:
                          signInStartsPerMinutePerSession: 3
                          signInStartsPerMinutePerClientIp: 0
                          callbacksPerMinutePerClientIp: 7
                          maxPendingSignInsPerSession: 4
                          maxPendingSignIns: 40
                          maxTokenSetsPerSession: 5
                          maxTokenSets: 50
                          maxRequestBytes: 65536
                          maxRequestHeaderBytes: 16384
                          idleTimeout: 2m
                          trustedProxies: [10.0.0.0/8, "fd00::/8"]
                        """)
                .limits();

        assertThat(limits)
                .isEqualTo(new LimitsConfig(
                        3, 0, 7, 4, 40, 5, 50, 65536, 16384, Duration.ofMinutes(2), List.of("10.0.0.0/8", "fd00::/8")));
        assertThat(limits.trustedProxyBlocks()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "signInStartsPerMinutePerSession | -1 | use 1 to 100000 per minute, e.g."
                        + " signInStartsPerMinutePerSession: 30; 0 turns the limit off",
                "callbacksPerMinutePerClientIp | 100001 | use 1 to 100000 per minute, e.g."
                        + " callbacksPerMinutePerClientIp: 60; 0 turns the limit off",
                "maxPendingSignIns | 0 | use 1 to 10000000, e.g. maxPendingSignIns: 10000",
                "maxTokenSetsPerSession | 0 | use 1 to 10000, e.g. maxTokenSetsPerSession: 64",
                "maxRequestBytes | 100 | use 1024 to 268435456, e.g. maxRequestBytes: 4194304",
                "maxRequestHeaderBytes | 2000000 | use 1024 to 1048576, e.g. maxRequestHeaderBytes: 8192"
            })
    void whenANumberIsOutOfRangeThenProblemNamesKeyAndRange(String key, String value, String fix) {
        ConfigProblem problem = onlyProblem("limits:\n  " + key + ": " + value + "\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE, 2, 5 + key.length(), "limits." + key, key + " " + value + " is out of range", fix));
    }

    @Test
    void whenARateIsNotANumberThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem("limits:\n  callbacksPerMinutePerClientIp: lots\n");

        assertThat(problem.path()).isEqualTo("limits.callbacksPerMinutePerClientIp");
        assertThat(problem.message()).isEqualTo("expected a whole number, got \"lots\"");
        assertThat(problem.fix()).isEqualTo("write it like: callbacksPerMinutePerClientIp: 60");
    }

    @Test
    void whenAPerSessionCapExceedsTheTotalThenProblemSaysWhichToChange() {
        ConfigProblem problem = onlyProblem("limits:\n  maxPendingSignInsPerSession: 50\n  maxPendingSignIns: 10\n");

        assertThat(problem.path()).isEqualTo("limits.maxPendingSignInsPerSession");
        assertThat(problem.message()).isEqualTo("maxPendingSignInsPerSession 50 is larger than maxPendingSignIns 10");
        assertThat(problem.fix())
                .isEqualTo("lower maxPendingSignInsPerSession or raise maxPendingSignIns: one session cannot hold"
                        + " more than all");
    }

    @Test
    void whenTheIdleTimeoutIsNotLongerThanTheStreamKeepAliveThenProblemExplains() {
        ConfigProblem problem = onlyProblem("limits:\n  idleTimeout: 30s\n");

        assertThat(problem)
                .isEqualTo(new ConfigProblem(
                        FILE,
                        2,
                        16,
                        "limits.idleTimeout",
                        "idleTimeout 30s is not longer than 30s, the interval of keep-alives on event streams",
                        "use more than 30s, e.g. idleTimeout: 1m; a shorter one would close idle streams between two"
                                + " keep-alives"));
    }

    @Test
    void whenTheIdleTimeoutIsLongerThanAnHourThenProblemNamesTheMaximum() {
        ConfigProblem problem = onlyProblem("limits:\n  idleTimeout: 2h\n");

        assertThat(problem.message()).isEqualTo("idleTimeout 2h is longer than the maximum of 1h");
    }

    @Test
    void whenATrustedProxyIsNotCidrThenProblemPointsAtTheItem() {
        ConfigProblem problem = onlyProblem("limits:\n  trustedProxies: [10.0.0.0/8, proxy.internal]\n");

        assertThat(problem.path()).isEqualTo("limits.trustedProxies[1]");
        assertThat(problem.message()).startsWith("\"proxy.internal\" is not a valid CIDR block: ");
    }

    @Test
    void whenALimitsKeyIsMisspelledThenProblemSuggestsTheClosestKey() {
        ConfigProblem problem = onlyProblem("limits:\n  maxTokenSet: 10\n");

        assertThat(problem.message()).isEqualTo("unknown key `maxTokenSet`");
        assertThat(problem.fix()).isEqualTo("did you mean `maxTokenSets`?");
    }

    @Test
    void whenLimitsIsNotAMappingThenProblemShowsAnExample() {
        ConfigProblem problem = onlyProblem("limits: strict\n");

        assertThat(problem.message()).isEqualTo("expected a mapping, got \"strict\"");
        assertThat(problem.fix())
                .isEqualTo("write it like: limits: {signInStartsPerMinutePerSession: 30, maxRequestBytes: 4194304}");
    }
}
