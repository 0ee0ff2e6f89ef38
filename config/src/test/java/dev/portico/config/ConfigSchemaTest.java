package dev.portico.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps {@code docs/config.schema.json} true to the loader, in both directions: every key the loader accepts is in the
 * schema at the same place and nothing else is, the schema's defaults are the loader's, every example config in the
 * repository passes both, and typical mistakes fail both.
 *
 * <p>The keys the loader accepts are asked of the loader itself: an unknown key in a mapping is answered with the
 * list of keys accepted there. So a key added to a reader is found here without this test knowing the reader.
 */
class ConfigSchemaTest {

    /** Far from every real key, so that the loader lists the accepted keys instead of suggesting one. */
    private static final String PROBE_KEY = "zzzzzzzzzzzz";

    private static final Pattern ACCEPTED_KEYS = Pattern.compile("accepted keys here: (.*)");
    private static final Pattern LIST_ITEM = Pattern.compile("(.+)\\[(\\d+)]");

    private static final YAMLMapper YAML = new YAMLMapper();

    /** A valid config with every mapping that has mappings of its own, the base of the probes. */
    private static final String SKELETON =
            """
            server:
              auth:
                issuer: https://idp.example.com
            storage:
              type: postgres
              url: jdbc:postgresql://db.example.com:5432/portico
              encryptionKey: 0123456789abcdef0123456789abcdef
            upstreams:
              - name: probe
                transport: streamable-http
                url: https://mcp.example.com/mcp
            """;

    private final ConfigSchema schema = ConfigSchema.load();

    @Test
    void everyKeyTheLoaderAcceptsIsInTheSchemaAndNoOther() {
        List<String> mismatches = new ArrayList<>();
        compareKeys(schema.rootMapping(), mismatches);

        assertThat(mismatches)
                .as("keys where docs/config.schema.json and the config loader disagree (update the schema, and"
                        + " docs/configuration.md)")
                .isEmpty();
    }

    @Test
    void theSchemaDefaultsAreTheLoadersDefaults() {
        List<String> mismatches = new ArrayList<>();
        compareDefaults(schema.rootMapping(), mismatches);

        assertThat(mismatches).isEmpty();
    }

    static Stream<ExampleConfigs.Example> examples() {
        return ExampleConfigs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleConfigMeetsTheSchemaAndLoads(ExampleConfigs.Example example) {
        List<String> schemaProblems = schema.problems(example.yaml());
        Optional<ConfigException> loaderProblems = loaderFailure(example.yaml(), example.environment());

        if (example.invalid()) {
            assertThat(loaderProblems).as("the loader rejects " + example).isPresent();
            assertThat(schemaProblems).as("the schema rejects " + example).isNotEmpty();
        } else {
            assertThat(loaderProblems.map(ConfigException::getMessage))
                    .as("the loader accepts " + example + " (mark a block that shows a mistake ```yaml invalid)")
                    .isEmpty();
            assertThat(schemaProblems).as("the schema accepts " + example).isEmpty();
        }
    }

    @Test
    void theExamplesIncludeTheCompleteOneAndTheRepositoryExample() {
        assertThat(ExampleConfigs.all())
                .extracting(ExampleConfigs.Example::source)
                .contains("examples/portico.yaml", "docs/configuration.md:13");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            textBlock =
                    """
            {server: {prot: 8080}}                                                        | server.prot
            {logging: {level: debug}}                                                     | logging
            {server: {port: 70000}}                                                       | server.port
            {server: {port: eighty}}                                                      | server.port
            {server: {shutdownGracePeriod: 30}}                                           | server.shutdownGracePeriod
            {server: {shutdownGracePeriod: 1h30m}}                                        | server.shutdownGracePeriod
            {oauth: {openBrowser: 1}}                                                     | oauth.openBrowser
            {oauth: {callbackPath: oauth/callback}}                                       | oauth.callbackPath
            {oauth: {stepUpLimit: 11}}                                                    | oauth.stepUpLimit
            {storage: {type: mysql}}                                                      | storage.type
            {storage: {url: jdbc:postgresql://db/portico}}                                | storage.url
            {storage: {type: postgres, encryptionKey: k}}                                 | storage.url
            {upstreams: [{name: a, transport: http, url: http://a/mcp}]}                  | upstreams[0].transport
            {upstreams: [{name: A, transport: sse, url: http://a/sse}]}                   | upstreams[0].name
            {upstreams: [{transport: sse, url: http://a/sse}]}                            | upstreams[0].name
            {upstreams: [{name: a, transport: stdio}]}                                    | upstreams[0].command
            {upstreams: [{name: a, transport: stdio, command: run, url: http://a/mcp}]}   | upstreams[0].url
            {upstreams: [{name: a, transport: sse, command: run}]}                        | upstreams[0].url
            {upstreams: [{name: a, transport: sse, url: http://a/sse, reconnect: {delay: 1s}}]} \
                                                                                          | upstreams[0].reconnect.delay
            {upstreams: [{name: a, transport: sse, url: http://a/sse, auth: {grant: password}}]} \
                                                                                          | upstreams[0].auth.grant
            {upstreams: [{name: a, transport: sse, url: http://a/sse, auth: {clientSecret: s}}]} \
                                                                                          | upstreams[0].auth.clientSecret
            {upstreams: [{name: a, transport: sse, url: http://a/sse, auth: {grant: client_credentials, clientId: c}}]} \
                                                                                          | upstreams[0].auth.grant
            """)
    void aMistakeIsRejectedByTheLoaderAndTheSchema(String yaml, String path) {
        ConfigException failure = loaderFailure(yaml, Map.of()).orElse(null);

        assertThat(failure).as("the loader rejects it").isNotNull();
        assertThat(failure.problems()).extracting(ConfigProblem::path).contains(path);
        assertThat(schema.problems(yaml)).as("the schema rejects it").isNotEmpty();
    }

    @Test
    void environmentReferencesAreAcceptedWhereverTheLoaderFillsThemIn() {
        String yaml =
                """
                server:
                  port: ${PORT:-8080}
                  shutdownGracePeriod: ${GRACE:-20s}
                oauth:
                  openBrowser: "${OPEN_BROWSER:-false}"
                  stepUpLimit: ${STEP_UP:-2}
                upstreams:
                  - name: ${NAME:-files}
                    transport: ${TRANSPORT:-stdio}
                    command: npx
                """;

        assertThat(loaderFailure(yaml, Map.of())).isEmpty();
        assertThat(schema.problems(yaml)).isEmpty();
    }

    /** Compares the keys of {@code mapping} with the loader's at the same path, then its nested mappings. */
    private void compareKeys(ConfigSchema.Mapping mapping, List<String> mismatches) {
        Set<String> accepted = acceptedKeys(mapping.path());
        Set<String> declared = new LinkedHashSet<>(mapping.keys());
        for (String key : accepted) {
            if (!declared.contains(key)) {
                mismatches.add(display(mapping.path(), key) + ": the loader accepts it, but the schema does not declare"
                        + " it — add \"" + key + "\" to \"properties\" at " + mapping.location());
            }
        }
        for (String key : declared) {
            ConfigSchema.Key declaredKey = mapping.key(key);
            if (!accepted.contains(key)) {
                mismatches.add(display(mapping.path(), key) + ": the schema declares it at " + declaredKey.location()
                        + ", but the loader rejects it — remove it from the schema, or teach the loader");
            } else if (declaredKey.isUnspecifiedObject(schema)) {
                mismatches.add(display(mapping.path(), key) + ": the schema declares a mapping without its keys at "
                        + declaredKey.location() + " — list them in \"properties\" with \"additionalProperties\":"
                        + " false");
            } else {
                declaredKey.mapping(schema).ifPresent(nested -> compareKeys(nested, mismatches));
            }
        }
    }

    /** For every key with a default: leaving it out and writing the default must load the same config. */
    private void compareDefaults(ConfigSchema.Mapping mapping, List<String> mismatches) {
        for (String name : mapping.keys()) {
            ConfigSchema.Key key = mapping.key(name);
            key.defaultValue().ifPresent(value -> compareDefault(mapping.path(), name, value, mismatches));
            key.mapping(schema).ifPresent(nested -> compareDefaults(nested, mismatches));
        }
    }

    private void compareDefault(String path, String key, JsonNode value, List<String> mismatches) {
        Located without = locate(skeleton(), path);
        without.mapping().remove(key);
        if (loaderFailure(yaml(without.root()), Map.of()).isPresent()) {
            // The skeleton needs this key (storage.type: postgres); compare within an otherwise empty mapping.
            without.mapping().removeAll();
        }
        String leftOutYaml = yaml(without.root());
        without.mapping().set(key, value);
        String writtenYaml = yaml(without.root());
        try {
            PorticoConfig leftOut = Configs.parse(leftOutYaml);
            PorticoConfig written = Configs.parse(writtenYaml);
            if (!leftOut.equals(written)) {
                mismatches.add(display(path, key) + ": the schema's default " + value + " is not the loader's default;"
                        + " leaving it out gives " + leftOut + ", writing it gives " + written);
            }
        } catch (ConfigException e) {
            mismatches.add(display(path, key) + ": the schema's default " + value + " is rejected by the loader: "
                    + e.getMessage());
        }
    }

    /** The keys the loader accepts in the mapping at {@code path}, from its answer to an unknown key there. */
    private static Set<String> acceptedKeys(String path) {
        Located probe = locate(skeleton(), path);
        probe.mapping().put(PROBE_KEY, "probe");
        String probePath = KeyPaths.child(path, PROBE_KEY);
        ConfigException failure = loaderFailure(yaml(probe.root()), Map.of())
                .orElseThrow(() -> new AssertionError("the loader accepted an unknown key at " + probePath));
        for (ConfigProblem problem : failure.problems()) {
            Matcher accepted = ACCEPTED_KEYS.matcher(problem.fix());
            if (problem.path().equals(probePath) && accepted.matches()) {
                return new LinkedHashSet<>(Arrays.asList(accepted.group(1).split(", ")));
            }
        }
        throw new AssertionError("the loader did not list the keys it accepts at " + display(path, "")
                + " (it may read that mapping only in a config unlike this test's skeleton); it said:\n"
                + failure.getMessage());
    }

    private static ObjectNode skeleton() {
        try {
            return (ObjectNode) YAML.readTree(SKELETON);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mapping of a config tree, with the tree's root. */
    private record Located(ObjectNode root, ObjectNode mapping) {}

    /** The mapping at {@code path} ({@code upstreams[0].auth}) in {@code root}, created empty where it is missing. */
    private static Located locate(ObjectNode root, String path) {
        ObjectNode node = root;
        for (String segment : path.isEmpty() ? new String[0] : path.split("\\.")) {
            Matcher item = LIST_ITEM.matcher(segment);
            if (item.matches()) {
                ArrayNode list = node.withArray(item.group(1));
                int index = Integer.parseInt(item.group(2));
                while (list.size() <= index) {
                    list.addObject();
                }
                node = (ObjectNode) list.get(index);
            } else {
                node = node.withObject("/" + segment);
            }
        }
        return new Located(root, node);
    }

    private static String yaml(JsonNode root) {
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<ConfigException> loaderFailure(String yaml, Map<String, String> environment) {
        return Optional.ofNullable(catchThrowableOfType(ConfigException.class, () -> Configs.parse(yaml, environment)));
    }

    private static String display(String path, String key) {
        String full = KeyPaths.child(path, key);
        return full.isEmpty() ? "(top level)" : full;
    }
}
