package dev.portico.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code docs/config.schema.json}, as editors see it: a validator for YAML text, and the declared mappings and keys,
 * for the test that compares them with what the loader accepts.
 */
final class ConfigSchema {

    /** Surefire runs in the module directory; the docs live at the repository root. */
    static final Path FILE = Path.of("..", "docs", "config.schema.json");

    private static final YAMLMapper YAML = new YAMLMapper();

    private final JsonNode root;
    private final Schema validator;

    private ConfigSchema(JsonNode root) {
        this.root = root;
        this.validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(root);
    }

    static ConfigSchema load() {
        try {
            return new ConfigSchema(new ObjectMapper().readTree(FILE.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE, e);
        }
    }

    /** The schema's complaints about a YAML config, one line each; empty when it is valid. */
    List<String> problems(String yaml) {
        JsonNode document;
        try {
            document = YAML.readTree(yaml);
        } catch (IOException e) {
            return List.of("not YAML: " + e.getMessage());
        }
        if (document == null || document.isMissingNode()) {
            document = YAML.createObjectNode();
        }
        return validator.validate(document).stream().map(Error::toString).toList();
    }

    /** The top-level mapping. */
    Mapping rootMapping() {
        return new Mapping("", "#", root);
    }

    /**
     * A mapping the schema closes with its own list of keys ({@code properties} and {@code additionalProperties:
     * false}), as opposed to a free-form map such as {@code headers}.
     *
     * @param path the config path, as the loader writes it: {@code upstreams[0].auth}
     * @param location where it is in the schema, for messages: {@code #/$defs/upstreamAuth}
     */
    record Mapping(String path, String location, JsonNode node) {

        List<String> keys() {
            List<String> keys = new ArrayList<>();
            node.path("properties").fieldNames().forEachRemaining(keys::add);
            return keys;
        }

        Key key(String name) {
            return new Key(this, name, node.path("properties").path(name));
        }
    }

    /** One declared key of a mapping, with its schema ({@code $ref} not yet followed). */
    record Key(Mapping parent, String name, JsonNode node) {

        String path() {
            return KeyPaths.child(parent.path(), name);
        }

        String location() {
            return parent.location() + "/properties/" + name;
        }

        Optional<JsonNode> defaultValue() {
            return Optional.ofNullable(node.get("default"));
        }

        /**
         * The mapping this key holds, if the schema closes it with its own keys: an object, or a list of objects
         * (whose first item stands for all, as {@code upstreams[0]}).
         */
        Optional<Mapping> mapping(ConfigSchema schema) {
            Map.Entry<String, JsonNode> resolved = schema.resolve(location(), node);
            JsonNode value = resolved.getValue();
            if (value.path("type").asText().equals("array")) {
                Map.Entry<String, JsonNode> item = schema.resolve(resolved.getKey() + "/items", value.path("items"));
                return item.getValue().has("properties")
                        ? Optional.of(new Mapping(KeyPaths.index(path(), 0), item.getKey(), item.getValue()))
                        : Optional.empty();
            }
            return value.has("properties")
                    ? Optional.of(new Mapping(path(), resolved.getKey(), value))
                    : Optional.empty();
        }

        /** An object that neither lists its keys nor says what its values are: the schema checks nothing in it. */
        boolean isUnspecifiedObject(ConfigSchema schema) {
            JsonNode value = schema.resolve(location(), node).getValue();
            return value.path("type").asText().equals("object")
                    && !value.has("properties")
                    && !value.path("additionalProperties").isObject();
        }
    }

    /** Follows a local {@code $ref} ({@code #/$defs/name}); returns the location and the schema it points at. */
    private Map.Entry<String, JsonNode> resolve(String location, JsonNode node) {
        JsonNode ref = node.get("$ref");
        if (ref == null) {
            return Map.entry(location, node);
        }
        String pointer = ref.asText();
        if (!pointer.startsWith("#")) {
            throw new IllegalStateException(location + ": only local $refs are supported, got " + pointer);
        }
        return Map.entry(pointer, root.at(pointer.substring(1)));
    }
}
