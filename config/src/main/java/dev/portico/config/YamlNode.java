package dev.portico.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config file as a tree that remembers where every key and value came from.
 *
 * <p>Jackson's own {@code JsonNode} forgets locations and silently keeps the last of two duplicate keys; admins
 * need both facts in error messages, so the loader builds this tree instead.
 */
sealed interface YamlNode {

    Position position();

    /** How the node reads in a "got ..." message. */
    String describe();

    /**
     * A scalar, kept as its text whatever YAML type it resolved to: the config readers decide how to convert it, so
     * {@code port: "8080"} and {@code port: ${PORT}} behave exactly like {@code port: 8080}.
     *
     * @param unresolved environment substitution failed here; the failure is already reported, so readers must not
     *     report the value again
     */
    record Scalar(String text, Position position, boolean unresolved) implements YamlNode {
        @Override
        public String describe() {
            String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
            return '"' + shown + '"';
        }
    }

    /** An empty value ({@code key:}, {@code ~} or {@code null}). */
    record Null(Position position) implements YamlNode {
        @Override
        public String describe() {
            return "an empty value";
        }
    }

    record Sequence(List<YamlNode> items, Position position) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A mapping in file order. */
    record Mapping(Map<String, Entry> entries, Position position) implements YamlNode {
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String describe() {
            return "a mapping";
        }

        record Entry(String key, Position keyPosition, YamlNode value) {}
    }
}
