package dev.portico.oauth.challenge;

import java.util.Objects;

/**
 * Why a {@code WWW-Authenticate} field could not be read, and where.
 *
 * @param valueIndex which of the field's values (header lines), counting from 0; -1 when the problem is not tied to
 *     one place in the text (a field without challenges, or a parameter value that is well-formed but meaningless)
 * @param position the offset in that value, counting characters from 0; -1 as for {@code valueIndex}
 * @param reason what was wrong, in words that name the grammar rule
 * @param excerpt up to 24 characters of the value from {@code position}, control characters replaced, for the
 *     message; empty at the end of the value
 */
public record WwwAuthenticateParseError(int valueIndex, int position, String reason, String excerpt) {

    private static final int EXCERPT_LENGTH = 24;

    public WwwAuthenticateParseError {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(excerpt, "excerpt");
    }

    static WwwAuthenticateParseError at(int valueIndex, String value, int position, String reason) {
        int end = Math.min(value.length(), position + EXCERPT_LENGTH);
        StringBuilder excerpt = new StringBuilder();
        for (int i = position; i < end; i++) {
            char c = value.charAt(i);
            excerpt.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (end < value.length()) {
            excerpt.append('…');
        }
        return new WwwAuthenticateParseError(valueIndex, position, reason, excerpt.toString());
    }

    /** A problem of the field as a whole, or with the meaning of a well-formed challenge. */
    static WwwAuthenticateParseError semantic(String reason) {
        return new WwwAuthenticateParseError(-1, -1, reason, "");
    }

    /** One line for a log or an error message. */
    public String message() {
        if (position < 0) {
            return "malformed WWW-Authenticate: " + reason;
        }
        String where = excerpt.isEmpty() ? "at its end" : "at position " + position + " ('" + excerpt + "')";
        return "malformed WWW-Authenticate value #" + (valueIndex + 1) + ": " + reason + ", " + where;
    }
}
