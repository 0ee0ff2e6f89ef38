package dev.portico.oauth.challenge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Coverage-guided fuzzing of the {@code WWW-Authenticate} parser, which reads text chosen by any upstream (see
 * docs/fuzzing.md for how to run it). Without {@code JAZZER_FUZZ} it runs on the inputs in {@code
 * WwwAuthenticateFuzzTestInputs/} only, as a regression test.
 */
class WwwAuthenticateFuzzTest {

    /**
     * The input is UTF-8 text whose lines are the field's values, as several header lines of one response would be
     * delivered. Whatever it holds: parsing gives a typed result and never throws; what it parsed is written back and
     * read again to the same challenges; and the Bearer reading fails only with the documented checked exception.
     */
    @FuzzTest
    void parsesAnyFieldIntoChallengesOrAnError(byte[] input) {
        List<String> values = Arrays.asList(new String(input, StandardCharsets.UTF_8).split("\n", -1));

        WwwAuthenticateParseResult result = WwwAuthenticate.parse(values);

        if (result instanceof WwwAuthenticateParseResult.Malformed malformed) {
            assertThat(malformed.error().message()).isNotBlank();
            assertThatThrownBy(malformed::challengesOrThrow).isInstanceOf(WwwAuthenticateParseException.class);
            return;
        }
        List<WwwAuthenticateChallenge> challenges = ((WwwAuthenticateParseResult.Parsed) result).challenges();
        assertThat(challenges).isNotEmpty();

        String written =
                challenges.stream().map(WwwAuthenticateChallenge::toHeaderValue).collect(Collectors.joining(", "));
        assertThat(WwwAuthenticate.parse(written))
                .as("re-reading %s", written)
                .isEqualTo(new WwwAuthenticateParseResult.Parsed(challenges));

        try {
            Optional<BearerChallenge> bearer = BearerChallenge.find(challenges);
            bearer.ifPresent(challenge -> assertThat(challenge.challenge().hasScheme(BearerChallenge.SCHEME))
                    .isTrue());
        } catch (WwwAuthenticateParseException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
