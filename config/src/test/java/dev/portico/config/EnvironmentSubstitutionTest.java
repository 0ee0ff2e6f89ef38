package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentSubstitutionTest {

    private final EnvironmentSubstitution substitution = new EnvironmentSubstitution(
            Map.of("KEY", "secret", "EMPTY", "", "HOST", "example.com", "NESTED", "${KEY}")::get);

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(
            delimiter = '|',
            value = {
                "${KEY}                 | secret",
                "Bearer ${KEY}          | Bearer secret",
                "https://${HOST}/${KEY} | https://example.com/secret",
                "${UNSET:-fallback}     | fallback",
                "${KEY:-fallback}       | secret",
                "${EMPTY:-fallback}     | fallback",
                "${EMPTY}               | ''",
                "${UNSET:-}             | ''",
                "${UNSET:-a:b-c}        | a:b-c",
                "$${KEY}                | ${KEY}",
                "$$${KEY}               | $${KEY}",
                "cost: $5               | cost: $5",
                "$$                     | $$",
                "$KEY                   | $KEY",
                "no references          | no references"
            })
    void whenReferencesResolveThenTheyAreReplaced(String text, String expected) {
        EnvironmentSubstitution.Result result = substitution.substitute(text);

        assertThat(result.failures()).isEmpty();
        assertThat(result.value()).isEqualTo(expected);
    }

    @Test
    void whenAVariableValueLooksLikeAReferenceThenItIsNotSubstitutedAgain() {
        assertThat(substitution.substitute("${NESTED}").value()).isEqualTo("${KEY}");
    }

    @Test
    void whenAVariableIsUnsetWithoutDefaultThenTheFailureNamesIt() {
        EnvironmentSubstitution.Result result = substitution.substitute("Bearer ${API_TOKEN}");

        assertThat(result.failures())
                .containsExactly(new EnvironmentSubstitution.Failure(
                        "environment variable API_TOKEN is not set",
                        "set API_TOKEN in Portico's environment, or give a default: ${API_TOKEN:-value}"));
    }

    @Test
    void whenSeveralVariablesAreUnsetThenEachIsReported() {
        assertThat(substitution.substitute("${A}-${B}").failures())
                .extracting(EnvironmentSubstitution.Failure::message)
                .containsExactly("environment variable A is not set", "environment variable B is not set");
    }

    @Test
    void whenAReferenceIsNotClosedThenTheFailureShowsTheEscape() {
        assertThat(substitution.substitute("abc${KEY").failures())
                .singleElement()
                .satisfies(failure -> {
                    assertThat(failure.message()).isEqualTo("unterminated \"${\" in \"abc${KEY\"");
                    assertThat(failure.fix()).contains("\"$${\"");
                });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {"${} | ${}", "${1KEY} | ${1KEY}", "${KEY-x} | ${KEY-x}", "${A B} | ${A B}"})
    void whenAReferenceHasAnInvalidNameThenItIsRejected(String text, String shown) {
        assertThat(substitution.substitute(text).failures()).singleElement().satisfies(failure -> {
            assertThat(failure.message()).isEqualTo("\"" + shown + "\" is not a valid environment reference");
            assertThat(failure.fix()).contains("${NAME:-default}");
        });
    }

    @Test
    void whenADefaultContainsAReferenceThenItIsRejectedAsNested() {
        assertThat(substitution.substitute("${UNSET:-${KEY}}").failures())
                .extracting(EnvironmentSubstitution.Failure::message)
                .containsExactly("nested reference in the default of ${UNSET:-...}");
    }
}
