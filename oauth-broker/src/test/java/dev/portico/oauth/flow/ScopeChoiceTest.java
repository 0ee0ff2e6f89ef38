package dev.portico.oauth.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScopeChoiceTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(List.of("cfg"), List.of("chal"), List.of("prm"), List.of("cfg")),
                Arguments.of(List.of(), List.of("chal", "more"), List.of("prm"), List.of("chal", "more")),
                Arguments.of(List.of(), List.of(), List.of("prm"), List.of("prm")),
                Arguments.of(List.of(), List.of(), List.of(), List.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void whenChoosingThenConfigThenChallengeThenMetadataThenNone(
            List<String> configured, List<String> challenged, List<String> supported, List<String> expected) {
        assertThat(ScopeChoice.choose(configured, challenged, supported)).isEqualTo(expected);
    }

    @Test
    void whenTheServerListsOfflineAccessThenItIsAskedForBesideTheChosenScopes() {
        assertThat(ScopeChoice.withOfflineAccess(
                        List.of("files.read"), List.of(), List.of("files.read", "offline_access")))
                .containsExactly("files.read", "offline_access");
    }

    @Test
    void whenTheServerDoesNotListOfflineAccessThenItIsNotAskedFor() {
        assertThat(ScopeChoice.withOfflineAccess(List.of("files.read"), List.of(), List.of("files.read")))
                .containsExactly("files.read");
    }

    @Test
    void whenScopesAreConfiguredThenOfflineAccessIsNotAdded() {
        assertThat(ScopeChoice.withOfflineAccess(
                        List.of("files.read"), List.of("files.read"), List.of("files.read", "offline_access")))
                .containsExactly("files.read");
    }

    @Test
    void whenNothingElseIsAskedForThenOfflineAccessIsNotAskedForAlone() {
        assertThat(ScopeChoice.withOfflineAccess(List.of(), List.of(), List.of("offline_access")))
                .isEmpty();
    }
}
