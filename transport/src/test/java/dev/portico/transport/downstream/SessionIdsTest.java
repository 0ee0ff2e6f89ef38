package dev.portico.transport.downstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionIdsTest {

    private static final String ID = "37d25fd2a9c04e1b8f6d5c4b3a291807";

    @Test
    void whenTruncatedThenOnlyTheFirstEightCharactersRemain() {
        assertThat(SessionIds.truncate(ID)).isEqualTo("37d25fd2");
        assertThat(SessionIds.truncate("short")).isEqualTo("short");
        assertThat(SessionIds.truncate(null)).isEqualTo("-");
    }

    @Test
    void whenAMessageNamesTheSessionThenEveryMentionIsCut() {
        assertThat(SessionIds.redact("Stream unavailable for session " + ID + " (" + ID + ")", ID))
                .isEqualTo("Stream unavailable for session 37d25fd2… (37d25fd2…)");
    }

    @Test
    void whenAMessageDoesNotNameTheSessionThenItIsUnchanged() {
        assertThat(SessionIds.redact("Connection reset", ID)).isEqualTo("Connection reset");
        assertThat(SessionIds.redact(null, ID)).isNull();
    }
}
