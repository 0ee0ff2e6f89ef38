package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {

    private static final String TWO_UPSTREAMS =
            """
            upstreams:
              - name: alpha
                transport: streamable-http
                url: http://127.0.0.1:9001/mcp
              - name: beta
                transport: streamable-http
                url: http://127.0.0.1:9002/mcp
            """;

    @Test
    void whenNothingDiffersThenNothingChanged() {
        ConfigChanges changes = changesTo("# a comment\n" + TWO_UPSTREAMS);

        assertThat(changes.upstreamsChanged()).isFalse();
        assertThat(changes.unchanged()).containsExactly("alpha", "beta");
        assertThat(changes.restartRequired()).isEmpty();
        assertThat(changes.summary()).isEqualTo("unchanged [alpha, beta]");
    }

    @Test
    void whenAnUpstreamIsAddedThenOnlyItIsAdded() {
        ConfigChanges changes = changesTo(TWO_UPSTREAMS + "  - name: gamma\n    transport: stdio\n    command: run\n");

        assertThat(changes.added()).extracting(UpstreamConfig::name).containsExactly("gamma");
        assertThat(changes.removed()).isEmpty();
        assertThat(changes.changed()).isEmpty();
        assertThat(changes.unchanged()).containsExactly("alpha", "beta");
        assertThat(changes.reordered()).isFalse();
        assertThat(changes.affected()).containsExactly("gamma");
    }

    @Test
    void whenAnUpstreamIsRemovedThenItIsNamed() {
        ConfigChanges changes = changesTo(
                """
                        upstreams:
                          - name: beta
                            transport: streamable-http
                            url: http://127.0.0.1:9002/mcp
                        """);

        assertThat(changes.removed()).containsExactly("alpha");
        assertThat(changes.unchanged()).containsExactly("beta");
        assertThat(changes.summary()).isEqualTo("removed [alpha], unchanged [beta]");
    }

    @Test
    void whenOnlyAHeaderOfAnUpstreamDiffersThenThatUpstreamChanged() {
        ConfigChanges changes = changesTo(TWO_UPSTREAMS.replace(
                "url: http://127.0.0.1:9002/mcp", "url: http://127.0.0.1:9002/mcp\n    headers: {X-Api-Key: k2}"));

        assertThat(changes.changed()).extracting(UpstreamConfig::name).containsExactly("beta");
        assertThat(changes.changed().get(0).headers()).containsEntry("X-Api-Key", "k2");
        assertThat(changes.unchanged()).containsExactly("alpha");
    }

    @Test
    void whenOnlyTheClientSecretOfAnUpstreamDiffersThenThatUpstreamChangedAndNoSecretIsShown() {
        String withSecret = TWO_UPSTREAMS + "    auth:\n      clientId: portico\n      clientSecret: ${SECRET}\n";
        ConfigChanges changes = ConfigChanges.between(
                Configs.parse(withSecret, Map.of("SECRET", "first-secret")),
                Configs.parse(withSecret, Map.of("SECRET", "second-secret")));

        assertThat(changes.changed()).extracting(UpstreamConfig::name).containsExactly("beta");
        assertThat(changes.summary()).doesNotContain("first-secret", "second-secret");
    }

    @Test
    void whenUpstreamsSwapPlacesThenTheyAreReorderedButNotChanged() {
        ConfigChanges changes = changesTo(
                """
                        upstreams:
                          - name: beta
                            transport: streamable-http
                            url: http://127.0.0.1:9002/mcp
                          - name: alpha
                            transport: streamable-http
                            url: http://127.0.0.1:9001/mcp
                        """);

        assertThat(changes.reordered()).isTrue();
        assertThat(changes.upstreamsChanged()).isTrue();
        assertThat(changes.changed()).isEmpty();
        assertThat(changes.affected()).isEmpty();
    }

    @Test
    void whenSettingsOutsideUpstreamsDifferThenTheirKeysNeedARestart() {
        ConfigChanges changes = changesTo("server:\n  port: 9090\noauth:\n  clientName: Other\n" + TWO_UPSTREAMS);

        assertThat(changes.restartRequired()).containsExactly("server.port", "oauth.clientName");
        assertThat(changes.upstreamsChanged()).isFalse();
    }

    /** What changes from {@link #TWO_UPSTREAMS} to {@code next}. */
    private static ConfigChanges changesTo(String next) {
        return ConfigChanges.between(Configs.parse(TWO_UPSTREAMS), Configs.parse(next));
    }
}
