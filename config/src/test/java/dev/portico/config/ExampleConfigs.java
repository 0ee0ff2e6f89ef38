package dev.portico.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every config an admin might copy: {@code examples/*.yaml}, and each {@code ```yaml} block of the Markdown docs.
 *
 * <p>A block that shows only part of a config is completed the way a reader would: a list of upstreams
 * ({@code - name: ...}) goes under {@code upstreams:}, and an upstream's {@code auth:} into an HTTP upstream. A block
 * fenced as {@code ```yaml invalid} shows a mistake and is expected to be rejected; one with another word after
 * {@code yaml} ({@code ```yaml kubernetes}) is not a Portico config and is left out.
 */
final class ExampleConfigs {

    /** Surefire runs in the module directory; examples and docs live at the repository root. */
    private static final Path REPOSITORY = Path.of("..");

    private static final Pattern FENCE = Pattern.compile("^```(\\S*)\\s*(.*)$");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final String UPSTREAM_FOR_FRAGMENTS =
            "upstreams:\n  - name: example\n    transport: streamable-http\n    url: https://mcp.example.com/mcp\n";

    /**
     * One example.
     *
     * @param source where it is, as {@code docs/configuration.md:13}
     * @param yaml the config text, completed if the example is a fragment
     * @param invalid whether the example shows a mistake
     */
    record Example(String source, String yaml, boolean invalid) {

        /**
         * An environment that sets every variable the example needs (those without a default), each to a distinct
         * value long enough for an encryption key, so that the example loads as its reader would run it.
         */
        Map<String, String> environment() {
            Map<String, String> environment = new HashMap<>();
            Matcher variable = REQUIRED_VARIABLE.matcher(yaml);
            while (variable.find()) {
                environment.put(variable.group(1), "example-value-of-" + variable.group(1) + "-0123456789abcdef");
            }
            return environment;
        }

        @Override
        public String toString() {
            return source;
        }
    }

    private ExampleConfigs() {}

    static List<Example> all() {
        List<Example> examples = new ArrayList<>();
        for (Path file : files(REPOSITORY.resolve("examples"), ".yaml")) {
            examples.add(new Example(relative(file), read(file), false));
        }
        List<Path> markdown = new ArrayList<>(files(REPOSITORY.resolve("docs"), ".md"));
        markdown.add(REPOSITORY.resolve("README.md"));
        for (Path file : markdown) {
            examples.addAll(blocks(file));
        }
        return examples;
    }

    private static List<Example> blocks(Path file) {
        List<Example> examples = new ArrayList<>();
        List<String> lines = read(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i).strip());
            if (!fence.matches() || fence.group(1).isEmpty()) {
                continue;
            }
            int start = i;
            StringBuilder block = new StringBuilder();
            for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
                block.append(lines.get(i)).append('\n');
            }
            boolean invalid = fence.group(2).equals("invalid");
            if (fence.group(1).equals("yaml") && (fence.group(2).isEmpty() || invalid)) {
                examples.add(new Example(relative(file) + ":" + (start + 1), complete(block.toString()), invalid));
            }
        }
        return examples;
    }

    /** The block as a whole config: dedented, and put where its first key belongs. */
    static String complete(String block) {
        // Without the trailing line break, which stripIndent would count as a line with no indentation.
        String text = block.stripTrailing().stripIndent() + "\n";
        String first = text.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .findFirst()
                .orElse("");
        if (first.startsWith("- ")) {
            return "upstreams:\n" + text.indent(2);
        }
        if (first.startsWith("auth:")) {
            return UPSTREAM_FOR_FRAGMENTS + text.indent(4);
        }
        return text;
    }

    private static List<Path> files(Path directory, String suffix) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path file) {
        return REPOSITORY.relativize(file).toString();
    }
}
