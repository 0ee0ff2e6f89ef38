package dev.portico.oauth.challenge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code WWW-Authenticate} field of a 401 or 403 response (RFC 9110 §11.6.1) into its challenges.
 *
 * <p>The grammar, with the list rule of RFC 9110 §5.6.1 that lets a sender put several challenges in one value or
 * spread them over several field lines:
 *
 * <pre>
 * WWW-Authenticate = #challenge
 * challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 * auth-param       = token BWS "=" BWS ( token / quoted-string )
 * token68          = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
 * </pre>
 *
 * <p>Commas separate both challenges and the auth-params of one challenge. After a comma, an element of the form
 * {@code token BWS "="} continues the current challenge's parameters; anything else starts a new challenge. After an
 * auth-scheme, a token68 followed by the end of the value or by a comma is read as a token68 (an auth-param needs a
 * non-empty value, so {@code abc=} can only be a token68). Empty list elements and whitespace around commas and
 * {@code =} are accepted, as RFC 9110 §5.6.1 asks of recipients; so are tabs after the scheme. Parameter values that
 * are neither a token nor a quoted-string (for example an unquoted URL, whose {@code :} and {@code /} are not token
 * characters) are an error rather than a guess.
 *
 * <p>Stateless and safe for concurrent use. Parsing never throws: a malformed field is a {@link
 * WwwAuthenticateParseResult.Malformed} value naming the position and the rule that failed.
 */
public final class WwwAuthenticate {

    private WwwAuthenticate() {}

    /**
     * The challenges of all the field's values, in order.
     *
     * <p>A field without any challenge (absent, {@code null}, or only empty list elements) is {@link
     * WwwAuthenticateParseResult.Malformed}: RFC 9110 §11.6.1 requires a 401 to carry at least one, and a caller
     * cannot act on none.
     *
     * @param headerValues the field's values (one per field line), as the HTTP library delivered them; {@code null}
     *     elements are skipped
     */
    public static WwwAuthenticateParseResult parse(List<String> headerValues) {
        List<WwwAuthenticateChallenge> challenges = new ArrayList<>();
        if (headerValues != null) {
            int index = 0;
            for (String value : headerValues) {
                if (value != null) {
                    try {
                        new ValueParser(index, value).parseInto(challenges);
                    } catch (SyntaxError e) {
                        return new WwwAuthenticateParseResult.Malformed(e.error);
                    }
                }
                index++;
            }
        }
        if (challenges.isEmpty()) {
            return new WwwAuthenticateParseResult.Malformed(WwwAuthenticateParseError.semantic(
                    "the field holds no challenge (RFC 9110 §11.6.1 requires at least one)"));
        }
        return new WwwAuthenticateParseResult.Parsed(challenges);
    }

    /** The challenges of a single field value; see {@link #parse(List)}. */
    public static WwwAuthenticateParseResult parse(String headerValue) {
        return parse(headerValue == null ? null : List.of(headerValue));
    }

    /** The first challenge with the given scheme (any case). */
    public static Optional<WwwAuthenticateChallenge> first(List<WwwAuthenticateChallenge> challenges, String scheme) {
        return challenges.stream().filter(c -> c.hasScheme(scheme)).findFirst();
    }

    /** Carries a parse error out of the recursive-descent methods; never escapes this class. */
    private static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient WwwAuthenticateParseError error;

        SyntaxError(WwwAuthenticateParseError error) {
            super(error.reason(), null, false, false);
            this.error = error;
        }
    }

    /** Parses one field value; single use. */
    private static final class ValueParser {
        private final int valueIndex;
        private final String text;
        private int pos;

        ValueParser(int valueIndex, String text) {
            this.valueIndex = valueIndex;
            this.text = text;
        }

        void parseInto(List<WwwAuthenticateChallenge> out) throws SyntaxError {
            while (true) {
                skipListSeparators();
                if (atEnd()) {
                    return;
                }
                out.add(challenge());
            }
        }

        /** One challenge; leaves {@link #pos} at the end of the value or at a comma. */
        private WwwAuthenticateChallenge challenge() throws SyntaxError {
            String scheme = token("an auth-scheme");
            if (atEnd() || peek() == ',') {
                return WwwAuthenticateChallenge.of(scheme, Map.of());
            }
            if (!HttpSyntax.isWhitespace(peek())) {
                throw error(pos, "expected a space or ',' after the auth-scheme '" + scheme + "'");
            }
            skipWhitespace();
            if (atEnd() || peek() == ',') {
                return WwwAuthenticateChallenge.of(scheme, Map.of());
            }
            int token68End = token68End(pos);
            if (token68End > pos) {
                int after = skipWhitespace(token68End);
                if (after == text.length() || text.charAt(after) == ',') {
                    String token68 = text.substring(pos, token68End);
                    pos = after;
                    return WwwAuthenticateChallenge.ofToken68(scheme, token68);
                }
            }
            return WwwAuthenticateChallenge.of(scheme, authParams());
        }

        /** One or more auth-params of the current challenge, names in lower case. */
        private Map<String, String> authParams() throws SyntaxError {
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                int nameStart = pos;
                String name = token("an auth-param name");
                skipWhitespace();
                if (atEnd() || peek() != '=') {
                    throw error(pos, "expected '=' after the auth-param name '" + name + "'");
                }
                pos++;
                skipWhitespace();
                String value;
                if (!atEnd() && peek() == '"') {
                    value = quotedString();
                } else if (!atEnd() && HttpSyntax.isTchar(peek())) {
                    value = token("a value");
                } else {
                    throw error(pos, "expected a token or a quoted-string as the value of '" + name + "'");
                }
                if (params.put(name.toLowerCase(Locale.ROOT), value) != null) {
                    throw error(nameStart, "auth-param '" + name + "' occurs twice in one challenge (RFC 9110 §11.2)");
                }
                skipWhitespace();
                if (atEnd()) {
                    return params;
                }
                if (peek() != ',') {
                    throw error(pos, "expected ',' or the end after the value of '" + name + "'");
                }
                int comma = pos;
                skipListSeparators();
                if (atEnd() || !authParamFollows()) {
                    pos = comma;
                    return params;
                }
            }
        }

        /** Whether the text at {@link #pos} reads {@code token BWS "="}, that is, another auth-param. */
        private boolean authParamFollows() {
            int i = pos;
            while (i < text.length() && HttpSyntax.isTchar(text.charAt(i))) {
                i++;
            }
            if (i == pos) {
                return false;
            }
            i = skipWhitespace(i);
            return i < text.length() && text.charAt(i) == '=';
        }

        /** A quoted-string with its quoted-pairs resolved (RFC 9110 §5.6.4). */
        private String quotedString() throws SyntaxError {
            int start = pos;
            pos++;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (atEnd()) {
                    throw error(start, "quoted-string is not closed");
                }
                char c = peek();
                if (c == '"') {
                    pos++;
                    return value.toString();
                }
                if (c == '\\') {
                    if (pos + 1 >= text.length()) {
                        throw error(start, "quoted-string is not closed");
                    }
                    char escaped = text.charAt(pos + 1);
                    if (!HttpSyntax.isQuotable(escaped)) {
                        throw error(pos + 1, "control character after '\\' in a quoted-string");
                    }
                    value.append(escaped);
                    pos += 2;
                    continue;
                }
                if (!HttpSyntax.isQuotable(c)) {
                    throw error(pos, "control character in a quoted-string");
                }
                value.append(c);
                pos++;
            }
        }

        private String token(String what) throws SyntaxError {
            int start = pos;
            while (!atEnd() && HttpSyntax.isTchar(peek())) {
                pos++;
            }
            if (pos == start) {
                throw error(start, "expected " + what + " (a token)");
            }
            return text.substring(start, pos);
        }

        /** The end of a token68 starting at {@code from}, or {@code from} if none starts there. */
        private int token68End(int from) {
            int i = from;
            while (i < text.length() && HttpSyntax.isToken68Char(text.charAt(i))) {
                i++;
            }
            if (i == from) {
                return from;
            }
            while (i < text.length() && text.charAt(i) == '=') {
                i++;
            }
            return i;
        }

        /** Skips OWS and commas, that is, list separators and empty list elements. */
        private void skipListSeparators() {
            while (!atEnd() && (peek() == ',' || HttpSyntax.isWhitespace(peek()))) {
                pos++;
            }
        }

        private void skipWhitespace() {
            pos = skipWhitespace(pos);
        }

        private int skipWhitespace(int from) {
            int i = from;
            while (i < text.length() && HttpSyntax.isWhitespace(text.charAt(i))) {
                i++;
            }
            return i;
        }

        private boolean atEnd() {
            return pos >= text.length();
        }

        private char peek() {
            return text.charAt(pos);
        }

        private SyntaxError error(int position, String reason) {
            return new SyntaxError(WwwAuthenticateParseError.at(valueIndex, text, position, reason));
        }
    }
}
