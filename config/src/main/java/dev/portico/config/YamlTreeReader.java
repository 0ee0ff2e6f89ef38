package dev.portico.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads YAML text into a {@link YamlNode} tree with the Jackson streaming parser, recording where every key and
 * value is.
 *
 * <p>Syntax errors end reading with a single problem (nothing after them can be trusted). Duplicate keys and aliases
 * are reported and reading goes on, so the admin also sees the other problems of the file.
 */
final class YamlTreeReader {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Problems problems;

    private YamlTreeReader(Problems problems) {
        this.problems = problems;
    }

    /**
     * The document's root, or empty for an empty document (only comments or nothing at all).
     *
     * @throws ConfigException on a YAML syntax error
     */
    static Optional<YamlNode> read(String yaml, Problems problems) {
        return new YamlTreeReader(problems).readDocument(yaml);
    }

    @SuppressWarnings("deprecation") // see syntaxError
    private Optional<YamlNode> readDocument(String yaml) {
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            if (parser.nextToken() == null) {
                return Optional.empty();
            }
            YamlNode root = readValue(parser, "");
            rejectFurtherDocuments(parser);
            return Optional.of(root);
        } catch (com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException e) {
            throw syntaxError(e);
        } catch (JsonProcessingException e) {
            throw Problems.single(new ConfigProblem(
                    problems.file(),
                    Position.of(e.getLocation()).line(),
                    Position.of(e.getLocation()).column(),
                    "",
                    "YAML syntax error: " + e.getOriginalMessage(),
                    "fix the YAML at this position"));
        } catch (IOException e) {
            // The input is a String, so there is no I/O that could fail.
            throw new UncheckedIOException(e);
        }
    }

    private void rejectFurtherDocuments(YAMLParser parser) throws IOException {
        JsonToken next = parser.nextToken();
        if (next == null) {
            return;
        }
        Position where = Position.of(parser.currentTokenLocation());
        // A trailing "---" opens an empty document: harmless, so not worth an error.
        if (next == JsonToken.VALUE_NULL && parser.nextToken() == null) {
            return;
        }
        problems.add(
                where,
                "",
                "the file holds more than one YAML document",
                "keep a single document: remove the \"---\" separator and merge the parts");
    }

    private YamlNode readValue(YAMLParser parser, String path) throws IOException {
        Position position = Position.of(parser.currentTokenLocation());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            return readMapping(parser, path, position);
        }
        if (token == JsonToken.START_ARRAY) {
            return readSequence(parser, path, position);
        }
        if (token == JsonToken.VALUE_NULL) {
            return new YamlNode.Null(position);
        }
        if (parser.isCurrentAlias()) {
            // Jackson hands an alias over as its anchor's name, which would silently become the value.
            problems.add(
                    position,
                    path,
                    "YAML aliases (*" + parser.getText() + ") are not supported",
                    "write the value out in full");
        }
        return new YamlNode.Scalar(parser.getText(), position, false);
    }

    private YamlNode readMapping(YAMLParser parser, String path, Position position) throws IOException {
        Map<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Position keyPosition = Position.of(parser.currentTokenLocation());
            String keyPath = KeyPaths.child(path, key);
            parser.nextToken();
            YamlNode value = readValue(parser, keyPath);
            YamlNode.Mapping.Entry first = entries.get(key);
            if (first == null) {
                entries.put(key, new YamlNode.Mapping.Entry(key, keyPosition, value));
            } else {
                problems.add(
                        keyPosition,
                        keyPath,
                        "duplicate key `" + key + "` (lines "
                                + first.keyPosition().line() + " and " + keyPosition.line() + ")",
                        "remove one of them; YAML would silently keep only the last");
            }
        }
        return new YamlNode.Mapping(entries, position);
    }

    private YamlNode readSequence(YAMLParser parser, String path, Position position) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, KeyPaths.index(path, items.size())));
        }
        return new YamlNode.Sequence(items, position);
    }

    /**
     * The only API through which Jackson exposes SnakeYAML's problem mark; the parser's own location often points
     * before the error (at the start of an unterminated quote's key, for example). Deprecated only in favour of
     * Jackson 3, which moves the whole module anyway.
     */
    @SuppressWarnings("deprecation")
    private ConfigException syntaxError(com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.MarkedYAMLException e) {
        com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark mark = e.getProblemMark();
        com.fasterxml.jackson.dataformat.yaml.snakeyaml.error.Mark contextMark = e.getContextMark();
        Position where = mark != null ? new Position(mark.getLine() + 1, mark.getColumn() + 1) : Position.NONE;
        String problem = e.getProblem() == null ? e.getOriginalMessage() : e.getProblem();
        StringBuilder message = new StringBuilder("YAML syntax error: ").append(oneLine(problem));
        if (e.getContext() != null && contextMark != null) {
            message.append(" (")
                    .append(oneLine(e.getContext()))
                    .append(" that starts at line ")
                    .append(contextMark.getLine() + 1)
                    .append(", column ")
                    .append(contextMark.getColumn() + 1)
                    .append(')');
        }
        return Problems.single(new ConfigProblem(
                problems.file(), where.line(), where.column(), "", message.toString(), syntaxFix(problem)));
    }

    private static String syntaxFix(String problem) {
        if (problem.contains("\\t(TAB)") || problem.contains("TAB")) {
            return "indent with spaces; YAML does not allow tabs for indentation";
        }
        if (problem.contains("mapping values are not allowed")) {
            return "check the indentation of this line, and quote values that contain \": \"";
        }
        if (problem.contains("end of stream")) {
            return "close the quote or bracket that is still open";
        }
        return "check the indentation, quotes and brackets at this position";
    }

    private static String oneLine(String text) {
        return text.strip().replaceAll("\\s*\\n\\s*", " ");
    }
}
