package dev.portico.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration format of the config file: a whole number directly followed by {@code ms}, {@code s}, {@code m} or
 * {@code h} ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h}), or a bare {@code 0}.
 *
 * <p>Deliberately narrower than ISO-8601 or "human" formats: a bare number would leave the unit to guesswork, and
 * one obvious spelling keeps configs easy to read and diff.
 */
public final class Durations {

    /** The fix shown with every invalid duration. */
    public static final String ACCEPTED_FORM = "use a number with a unit: 500ms, 30s, 10m, 1h";

    private static final Pattern FORM = Pattern.compile("([0-9]+)(ms|s|m|h)");

    private Durations() {}

    /**
     * Parses a config duration.
     *
     * @throws IllegalArgumentException if {@code text} is not in the accepted form; the message quotes the text
     */
    public static Duration parse(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher matcher = FORM.matcher(text);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\"");
        }
        try {
            long amount = Long.parseLong(matcher.group(1));
            // Consumers work in milliseconds: a duration beyond them is rejected here rather than overflowing there.
            return Duration.ofMillis(Duration.of(amount, unit(matcher.group(2))).toMillis());
        } catch (NumberFormatException | ArithmeticException tooLarge) {
            throw new IllegalArgumentException("invalid duration \"" + text + "\" (too large)");
        }
    }

    /**
     * The duration in the config's own form, in the largest unit that represents it exactly: {@code 90m}, not
     * {@code 1h30m}. Precision below a millisecond, which the config cannot express, is dropped.
     */
    public static String format(Duration duration) {
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (nanos >= 1_000_000) {
            return duration.toMillis() + "ms";
        }
        if (seconds == 0) {
            return "0";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    private static ChronoUnit unit(String suffix) {
        switch (suffix) {
            case "ms":
                return ChronoUnit.MILLIS;
            case "s":
                return ChronoUnit.SECONDS;
            case "m":
                return ChronoUnit.MINUTES;
            case "h":
                return ChronoUnit.HOURS;
            default:
                throw new IllegalStateException("unit not covered by the pattern: " + suffix);
        }
    }
}
