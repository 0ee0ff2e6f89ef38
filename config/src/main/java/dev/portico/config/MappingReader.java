package dev.portico.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Typed, problem-reporting access to one mapping of the config tree.
 *
 * <p>Every getter returns empty both when the key is absent (or has an empty value) and when its value is unusable;
 * in the second case the problem is already reported. Callers use {@link #has} to tell the two apart where it
 * matters (required keys), and compare {@link Problems#count()} before and after to know whether to build a record.
 */
final class MappingReader {

    private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?[0-9]{1,18}");

    private final YamlNode.Mapping mapping;
    private final String path;
    private final Problems problems;

    MappingReader(YamlNode.Mapping mapping, String path, Problems problems) {
        this.mapping = mapping;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return KeyPaths.child(path, key);
    }

    Position position() {
        return mapping.position();
    }

    /** Reports every key not in {@code accepted}, suggesting the closest accepted key when one is close. */
    void allowOnly(List<String> accepted) {
        for (YamlNode.Mapping.Entry entry : mapping.entries().values()) {
            if (accepted.contains(entry.key())) {
                continue;
            }
            String fix = KeySuggestion.closest(entry.key(), accepted)
                    .map(key -> "did you mean `" + key + "`?")
                    .orElse("accepted keys here: " + String.join(", ", accepted));
            problems.add(entry.keyPosition(), pathOf(entry.key()), "unknown key `" + entry.key() + "`", fix);
        }
    }

    /** Whether the key is present with a non-empty value; {@code key:} alone counts as absent. */
    boolean has(String key) {
        return value(key) != null;
    }

    /** Where to point when a required key is missing: at the key if it is there but empty, else at the mapping. */
    Position missingPosition(String key) {
        YamlNode.Mapping.Entry entry = mapping.entries().get(key);
        return entry != null ? entry.keyPosition() : mapping.position();
    }

    Position keyPosition(String key) {
        YamlNode.Mapping.Entry entry = mapping.entries().get(key);
        return entry != null ? entry.keyPosition() : mapping.position();
    }

    /** The position of {@code nestedKey} in the mapping under {@code key}, or of {@code key}'s value otherwise. */
    Position nestedKeyPosition(String key, String nestedKey) {
        YamlNode node = value(key);
        if (node instanceof YamlNode.Mapping) {
            YamlNode.Mapping.Entry entry = ((YamlNode.Mapping) node).entries().get(nestedKey);
            if (entry != null) {
                return entry.keyPosition();
            }
        }
        return valuePosition(key);
    }

    /** The position of the value of {@code nestedKey} in the mapping under {@code key}, or of {@code key}'s value. */
    Position nestedValuePosition(String key, String nestedKey) {
        YamlNode node = value(key);
        if (node instanceof YamlNode.Mapping) {
            YamlNode.Mapping.Entry entry = ((YamlNode.Mapping) node).entries().get(nestedKey);
            if (entry != null) {
                return entry.value().position();
            }
        }
        return valuePosition(key);
    }

    Position valuePosition(String key) {
        YamlNode node = value(key);
        return node != null ? node.position() : missingPosition(key);
    }

    /** Reports a problem with the key's value. */
    void problem(String key, String message, String fix) {
        problems.add(valuePosition(key), pathOf(key), message, fix);
    }

    /** Reports a problem with the key itself, such as a key that does not apply here. */
    void problemAtKey(String key, String message, String fix) {
        problems.add(keyPosition(key), pathOf(key), message, fix);
    }

    /** A single scalar value, as text. */
    Optional<String> string(String key, String example) {
        YamlNode node = value(key);
        if (node == null) {
            return Optional.empty();
        }
        if (node instanceof YamlNode.Scalar) {
            return scalarText((YamlNode.Scalar) node);
        }
        wrongType(node, pathOf(key), "a single value", example);
        return Optional.empty();
    }

    Optional<Long> wholeNumber(String key, String example) {
        Optional<String> text = string(key, example);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (!WHOLE_NUMBER.matcher(text.get()).matches()) {
            problem(key, "expected a whole number, got \"" + text.get() + "\"", "write it like: " + example);
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(text.get()));
    }

    Optional<Duration> duration(String key) {
        Optional<String> text = string(key, key + ": 30s");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Durations.parse(text.get()));
        } catch (IllegalArgumentException e) {
            problem(key, e.getMessage(), Durations.ACCEPTED_FORM);
            return Optional.empty();
        }
    }

    /** A list of scalars; empty if the list or any item is unusable. */
    Optional<List<String>> stringList(String key, String example) {
        return stringItems(key, example)
                .map(items -> items.stream().map(Item::text).toList());
    }

    /** One scalar of a list, with where it is, for checks that must point at a single item. */
    record Item(String text, Position position, String path) {}

    /** A list of scalars with their positions; empty if the list or any item is unusable. */
    Optional<List<Item>> stringItems(String key, String example) {
        YamlNode node = value(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof YamlNode.Sequence)) {
            wrongType(node, pathOf(key), "a list of strings", example);
            return Optional.empty();
        }
        int before = problems.count();
        List<Item> items = new ArrayList<>();
        List<YamlNode> nodes = ((YamlNode.Sequence) node).items();
        for (int i = 0; i < nodes.size(); i++) {
            YamlNode item = nodes.get(i);
            String itemPath = KeyPaths.index(pathOf(key), i);
            stringItem(item, itemPath).ifPresent(text -> items.add(new Item(text, item.position(), itemPath)));
        }
        return problems.count() == before ? Optional.of(items) : Optional.empty();
    }

    /**
     * A list of CIDR blocks as written; each is checked here (a problem per bad item, pointing at it) so that every
     * consumer can rely on {@link CidrBlock#parse}. Empty when absent; the good blocks when some are bad.
     */
    List<String> cidrBlocks(String key, String example) {
        List<String> blocks = new ArrayList<>();
        for (Item item : stringItems(key, example).orElse(List.of())) {
            CidrBlock.Parsed parsed = CidrBlock.tryParse(item.text());
            if (parsed.block() == null) {
                problems.add(
                        item.position(),
                        item.path(),
                        "\"" + item.text() + "\" is not a valid CIDR block: " + parsed.problem(),
                        parsed.fix());
            } else {
                blocks.add(item.text());
            }
        }
        return blocks;
    }

    /**
     * A boolean. Only {@code true} and {@code false} are accepted: YAML 1.1 also reads {@code yes}, {@code on} and
     * {@code y} as booleans, and which of them a reader honours differs, so the config spells it one way.
     */
    Optional<Boolean> bool(String key) {
        Optional<String> text = string(key, key + ": true");
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.get().equals("true")) {
            return Optional.of(true);
        }
        if (text.get().equals("false")) {
            return Optional.of(false);
        }
        problem(
                key,
                "expected true or false, got \"" + text.get() + "\"",
                "write " + key + ": true or " + key + ": false");
        return Optional.empty();
    }

    /** A mapping of names to scalars, in file order; empty if the mapping or any value is unusable. */
    Optional<Map<String, String>> stringMap(String key, String example) {
        YamlNode node = value(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof YamlNode.Mapping)) {
            wrongType(node, pathOf(key), "a mapping of names to strings", example);
            return Optional.empty();
        }
        int before = problems.count();
        Map<String, String> entries = new LinkedHashMap<>();
        for (YamlNode.Mapping.Entry entry : ((YamlNode.Mapping) node).entries().values()) {
            stringItem(entry.value(), KeyPaths.child(pathOf(key), entry.key()))
                    .ifPresent(text -> entries.put(entry.key(), text));
        }
        return problems.count() == before ? Optional.of(entries) : Optional.empty();
    }

    Optional<MappingReader> mapping(String key, String example) {
        YamlNode node = value(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof YamlNode.Mapping)) {
            wrongType(node, pathOf(key), "a mapping", example);
            return Optional.empty();
        }
        return Optional.of(new MappingReader((YamlNode.Mapping) node, pathOf(key), problems));
    }

    /** Whether the key holds a list; lets a caller avoid {@link #stringItems} quoting a secret given instead. */
    boolean isList(String key) {
        return value(key) instanceof YamlNode.Sequence;
    }

    Optional<YamlNode.Sequence> sequence(String key, String expected, String example) {
        YamlNode node = value(key);
        if (node == null) {
            return Optional.empty();
        }
        if (!(node instanceof YamlNode.Sequence)) {
            wrongType(node, pathOf(key), expected, example);
            return Optional.empty();
        }
        return Optional.of((YamlNode.Sequence) node);
    }

    private Optional<String> stringItem(YamlNode node, String itemPath) {
        if (node instanceof YamlNode.Scalar) {
            return scalarText((YamlNode.Scalar) node);
        }
        if (node instanceof YamlNode.Null) {
            // An empty item is more likely a slip than a wish for "", so it must be spelled out.
            problems.add(node.position(), itemPath, "empty value", "write \"\" for an empty string, or remove it");
            return Optional.empty();
        }
        problems.add(
                node.position(),
                itemPath,
                "expected a string, got " + node.describe(),
                "write a single value, quoted if it contains special characters");
        return Optional.empty();
    }

    private Optional<String> scalarText(YamlNode.Scalar scalar) {
        if (scalar.unresolved()) {
            problems.addFollowUp();
            return Optional.empty();
        }
        return Optional.of(scalar.text());
    }

    private void wrongType(YamlNode node, String nodePath, String expected, String example) {
        problems.add(
                node.position(),
                nodePath,
                "expected " + expected + ", got " + node.describe(),
                "write it like: " + example);
    }

    private YamlNode value(String key) {
        YamlNode.Mapping.Entry entry = mapping.entries().get(key);
        return entry == null || entry.value() instanceof YamlNode.Null ? null : entry.value();
    }

    /** Reports a node that should have been a mapping; for list items and the document root. */
    static Optional<MappingReader> of(YamlNode node, String path, String expected, String example, Problems problems) {
        if (node instanceof YamlNode.Mapping) {
            return Optional.of(new MappingReader((YamlNode.Mapping) node, path, problems));
        }
        problems.add(
                node.position(),
                path,
                "expected " + expected + ", got " + node.describe(),
                "write it like: " + example);
        return Optional.empty();
    }
}
