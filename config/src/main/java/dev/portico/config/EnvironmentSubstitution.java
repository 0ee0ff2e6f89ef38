package dev.portico.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in scalar values with environment variables, so that
 * secrets and per-host settings stay out of the file.
 *
 * <p>It runs on the parsed tree, never on the YAML text: a variable's value is always exactly one scalar, whatever
 * characters it contains, so an environment variable cannot inject YAML structure.
 */
final class EnvironmentSubstitution {

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Values that are, or often hold, credentials: client secrets, and the headers and environment of upstreams
     * (API keys, bearer tokens), and the storage keys, password and URL (which may carry a password). Problems about
     * them never quote the value, since a literal secret that happens to contain "${" would otherwise be printed.
     */
    /**
     * The keys whose values may be secrets, and everything written beneath one of them: a secret written as a list or
     * a mapping by mistake is still a secret.
     */
    private static final Pattern SECRET_PATH = Pattern.compile(
            "(upstreams\\[[0-9]+\\]\\.(auth\\.clientSecret|headers\\..+|env\\..+)|server\\.auth\\.clientSecret"
                    + "|storage\\.(url|password|encryptionKey|previousEncryptionKeys))([.\\[].*)?");

    private final Function<String, String> environment;

    EnvironmentSubstitution(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** What went wrong in one value, in the two parts of a {@link ConfigProblem}. */
    record Failure(String message, String fix) {}

    /** The substituted text, meaningful only when there are no failures. */
    record Result(String value, List<Failure> failures) {
        Result {
            failures = List.copyOf(failures);
        }
    }

    Result substitute(String text) {
        return substitute(text, false);
    }

    /** @param secret the text must not appear in failure messages */
    Result substitute(String text, boolean secret) {
        StringBuilder out = new StringBuilder(text.length());
        List<Failure> failures = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int close = text.indexOf('}', i + 2);
                if (close < 0) {
                    failures.add(new Failure(
                            secret
                                    ? "unterminated \"${\" in the value (not shown: it may be a secret)"
                                    : "unterminated \"${\" in \"" + text + "\"",
                            "close the reference with \"}\", or write \"$${\" for a literal \"${\""));
                    break;
                }
                out.append(resolve(text.substring(i + 2, close), secret, failures));
                i = close + 1;
            } else {
                out.append(text.charAt(i));
                i++;
            }
        }
        return new Result(out.toString(), failures);
    }

    private String resolve(String reference, boolean secret, List<Failure> failures) {
        int separator = reference.indexOf(":-");
        String name = separator < 0 ? reference : reference.substring(0, separator);
        String fallback = separator < 0 ? null : reference.substring(separator + 2);
        if (!VARIABLE_NAME.matcher(name).matches()) {
            failures.add(new Failure(
                    secret
                            ? "a \"${...}\" in the value is not a valid environment reference (value not shown: it"
                                    + " may be a secret)"
                            : "\"${" + reference + "}\" is not a valid environment reference",
                    "write ${NAME} or ${NAME:-default}, where NAME has letters, digits and _ and does not start"
                            + " with a digit; write \"$${\" for a literal \"${\""));
            return "";
        }
        if (fallback != null && fallback.contains("${")) {
            failures.add(new Failure(
                    "nested reference in the default of ${" + name + ":-...}",
                    "a default is literal text; nested references are not supported"));
            return "";
        }
        String value = environment.apply(name);
        if (fallback != null && (value == null || value.isEmpty())) {
            return fallback;
        }
        if (value == null) {
            failures.add(new Failure(
                    "environment variable " + name + " is not set",
                    "set " + name + " in Portico's environment, or give a default: ${" + name + ":-value}"));
            return "";
        }
        return value;
    }

    static boolean isSecret(String path) {
        return SECRET_PATH.matcher(path).matches();
    }

    /** Substitutes every scalar value of the tree (keys stay as written), reporting failures where they occur. */
    YamlNode applyTo(YamlNode node, String path, Problems problems) {
        if (node instanceof YamlNode.Scalar) {
            YamlNode.Scalar scalar = (YamlNode.Scalar) node;
            Result result = substitute(scalar.text(), isSecret(path));
            for (Failure failure : result.failures()) {
                problems.add(scalar.position(), path, failure.message(), failure.fix());
            }
            return result.failures().isEmpty()
                    ? new YamlNode.Scalar(result.value(), scalar.position(), false)
                    : new YamlNode.Scalar(scalar.text(), scalar.position(), true);
        }
        if (node instanceof YamlNode.Sequence) {
            YamlNode.Sequence sequence = (YamlNode.Sequence) node;
            List<YamlNode> items = new ArrayList<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                items.add(applyTo(sequence.items().get(i), KeyPaths.index(path, i), problems));
            }
            return new YamlNode.Sequence(items, sequence.position());
        }
        if (node instanceof YamlNode.Mapping) {
            YamlNode.Mapping mapping = (YamlNode.Mapping) node;
            Map<String, YamlNode.Mapping.Entry> entries = new LinkedHashMap<>();
            for (YamlNode.Mapping.Entry entry : mapping.entries().values()) {
                YamlNode value = applyTo(entry.value(), KeyPaths.child(path, entry.key()), problems);
                entries.put(entry.key(), new YamlNode.Mapping.Entry(entry.key(), entry.keyPosition(), value));
            }
            return new YamlNode.Mapping(entries, mapping.position());
        }
        return node;
    }
}
