package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the config loader, which reads an admin's file: a mistake there must come back as a
 * list of problems, never as a stack trace, and never with a secret in it. See docs/fuzzing.md.
 */
class ConfigLoaderFuzzTest {

    private static final String SOURCE = "fuzz";

    /**
     * Secret values the fuzzer could not have put in a message by accident: long, no spaces, letters mixed with
     * digits. Shorter or plainer ones ("a", "server") occur in the loader's own words.
     */
    private static final Pattern RANDOM_LOOKING = Pattern.compile("(?=.*[0-9])(?=.*[A-Za-z])\\S{10,}");

    /**
     * The input is the file's bytes, read as UTF-8; no environment variable is set. The text becomes a config or a
     * {@link ConfigException} with at least one problem; never another exception, and no value given for a secret
     * key ({@link EnvironmentSubstitution#isSecret}) appears in the message.
     */
    @FuzzTest
    void loadsAnyTextIntoAConfigOrProblemsWithoutShowingSecrets(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        try {
            PorticoConfig config = new ConfigLoader(name -> null).parse(yaml, SOURCE);
            assertThat(config.source()).isEqualTo(SOURCE);
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(problem -> assertThat(problem.file())
                    .isEqualTo(SOURCE));
            for (String secret : secretsOnlyInSecretKeys(yaml)) {
                assertThat(e.getMessage()).doesNotContain(secret);
            }
        }
    }

    /**
     * The random-looking values under secret keys (and the keys of mappings given as a secret) that occur nowhere
     * else in the file, so that a message quoting another key or value cannot contain them legitimately.
     */
    private static List<String> secretsOnlyInSecretKeys(String yaml) {
        Optional<YamlNode> root;
        try {
            root = YamlTreeReader.read(yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml, new Problems(SOURCE));
        } catch (ConfigException syntaxError) {
            return List.of();
        }
        List<String> secrets = new ArrayList<>();
        List<String> otherText = new ArrayList<>();
        root.ifPresent(node -> collect(node, "", false, secrets, otherText));
        return secrets.stream()
                .filter(secret -> RANDOM_LOOKING.matcher(secret).matches())
                // An alias (*name) is read as its name, which is not a value and is named in the problem about it.
                .filter(secret -> !yaml.contains("*" + secret))
                .filter(secret -> otherText.stream().noneMatch(text -> text.contains(secret)))
                .toList();
    }

    private static void collect(
            YamlNode node, String path, boolean inSecret, List<String> secrets, List<String> otherText) {
        boolean secret = inSecret || EnvironmentSubstitution.isSecret(path);
        if (node instanceof YamlNode.Scalar scalar) {
            (secret ? secrets : otherText).add(scalar.text());
        } else if (node instanceof YamlNode.Sequence sequence) {
            for (int i = 0; i < sequence.items().size(); i++) {
                collect(sequence.items().get(i), KeyPaths.index(path, i), secret, secrets, otherText);
            }
        } else if (node instanceof YamlNode.Mapping mapping) {
            for (YamlNode.Mapping.Entry entry : mapping.entries().values()) {
                (secret ? secrets : otherText).add(entry.key());
                collect(entry.value(), KeyPaths.child(path, entry.key()), secret, secrets, otherText);
            }
        }
    }
}
