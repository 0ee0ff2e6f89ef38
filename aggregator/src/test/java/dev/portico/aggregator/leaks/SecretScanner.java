package dev.portico.aggregator.leaks;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds known secret values in captured log lines, as they are and form-urlencoded (how they travel in a token request
 * body or a query).
 *
 * <p>A TRACE run logs hundreds of thousands of lines and a run sees hundreds of secrets, so the scan does not try every
 * secret on every line: it hashes every window of {@value #WINDOW} characters of a line (Rabin-Karp, one rolling hash)
 * and compares in full only the secrets whose last {@value #WINDOW} characters hash the same. Values shorter than the
 * window cannot be looked for without matching ordinary words; {@link #tooShort} names them so that the caller can
 * refuse to call a run clean.
 */
final class SecretScanner {

    static final int WINDOW = 8;
    private static final long BASE = 1_000_003L;
    private static final long BASE_POWER = power(BASE, WINDOW - 1);

    /** A value looked for and what it is. */
    record Needle(String value, String kind) {}

    /** A line that holds a secret. */
    record Finding(String kind, CapturedLine line) {

        /** The line with the secret's kind in place of every secret, so that the report does not leak either. */
        String describe(Collection<Needle> needles) {
            String text = line.text();
            for (Needle needle : needles) {
                text = text.replace(needle.value(), "<" + needle.kind() + ">");
            }
            if (text.length() > 400) {
                text = text.substring(0, 400) + "…";
            }
            return kind + " in a " + line.level() + " line of " + line.logger() + ": " + text;
        }
    }

    private final Map<Long, List<Needle>> byTailHash = new HashMap<>();
    private final List<Needle> needles = new ArrayList<>();
    private final Set<String> tooShort = new TreeSet<>();

    /** @param secrets the values to look for, each with what it is */
    SecretScanner(Map<String, String> secrets) {
        secrets.forEach((value, kind) -> {
            add(new Needle(value, kind));
            String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
            if (!encoded.equals(value)) {
                add(new Needle(encoded, kind + " (form-urlencoded)"));
            }
        });
    }

    private void add(Needle needle) {
        if (needle.value().length() < WINDOW) {
            tooShort.add(needle.kind());
            return;
        }
        needles.add(needle);
        String value = needle.value();
        byTailHash
                .computeIfAbsent(hash(value, value.length() - WINDOW), h -> new ArrayList<>())
                .add(needle);
    }

    /** The kinds of the values too short to look for. */
    Set<String> tooShort() {
        return Set.copyOf(tooShort);
    }

    List<Needle> needles() {
        return List.copyOf(needles);
    }

    /** Every line that holds a secret, once per secret kind found in it. */
    List<Finding> scan(Collection<CapturedLine> lines) {
        List<Finding> findings = new ArrayList<>();
        for (CapturedLine line : lines) {
            Set<String> kinds = new TreeSet<>();
            find(line.text(), kinds);
            kinds.forEach(kind -> findings.add(new Finding(kind, line)));
        }
        return findings;
    }

    private void find(String text, Set<String> kinds) {
        if (byTailHash.isEmpty() || text.length() < WINDOW) {
            return;
        }
        long rolling = hash(text, 0);
        for (int end = WINDOW; ; end++) {
            List<Needle> candidates = byTailHash.get(rolling);
            if (candidates != null) {
                for (Needle needle : candidates) {
                    int start = end - needle.value().length();
                    if (start >= 0
                            && text.regionMatches(
                                    start, needle.value(), 0, needle.value().length())) {
                        kinds.add(needle.kind());
                    }
                }
            }
            if (end == text.length()) {
                return;
            }
            rolling = (rolling - text.charAt(end - WINDOW) * BASE_POWER) * BASE + text.charAt(end);
        }
    }

    /** The hash of the {@value #WINDOW} characters of {@code text} from {@code start}; overflow wraps, as intended. */
    private static long hash(String text, int start) {
        long hash = 0;
        for (int i = start; i < start + WINDOW; i++) {
            hash = hash * BASE + text.charAt(i);
        }
        return hash;
    }

    private static long power(long base, int exponent) {
        long result = 1;
        for (int i = 0; i < exponent; i++) {
            result *= base;
        }
        return result;
    }
}
