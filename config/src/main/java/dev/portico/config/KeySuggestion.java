package dev.portico.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the known key an admin probably meant when they typed an unknown one. */
final class KeySuggestion {

    private KeySuggestion() {}

    /** The closest of {@code known} to {@code typed}, if one is close enough to be a plausible typo. */
    static Optional<String> closest(String typed, List<String> known) {
        String normalizedTyped = normalize(typed);
        for (String candidate : known) {
            if (normalize(candidate).equals(normalizedTyped)) {
                return Optional.of(candidate);
            }
        }
        // Short keys get less slack: two edits turn "url" into almost anything.
        int allowed = typed.length() <= 3 ? 1 : 2;
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(typed.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance <= allowed && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Case, '-' and '_' differences ({@code public_url}, {@code PublicURL}) are spelling, not a different key. */
    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions, the commonest typo. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
