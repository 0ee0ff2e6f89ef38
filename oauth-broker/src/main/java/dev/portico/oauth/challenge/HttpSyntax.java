package dev.portico.oauth.challenge;

/** Character classes of RFC 9110 §5.6 that the challenge grammar is built from. */
final class HttpSyntax {

    private HttpSyntax() {}

    /** {@code tchar}: any VCHAR except delimiters (RFC 9110 §5.6.2). */
    static boolean isTchar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** The characters of a token68 before its trailing {@code =} padding (RFC 9110 §11.2). */
    static boolean isToken68Char(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~+/".indexOf(c) >= 0;
    }

    /** Whitespace that OWS and BWS may contain (RFC 9110 §5.6.3). */
    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Whether {@code c} may appear in a quoted-string, escaped or not: HTAB, SP, VCHAR and obs-text (RFC 9110
     * §5.6.4). Characters above U+00FF are accepted as obs-text too, because a client library may already have
     * decoded a header's bytes as UTF-8.
     */
    static boolean isQuotable(char c) {
        return c == '\t' || c >= 0x20 && c != 0x7f;
    }

    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isTchar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken68(String text) {
        int i = 0;
        while (i < text.length() && isToken68Char(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return false;
        }
        while (i < text.length() && text.charAt(i) == '=') {
            i++;
        }
        return i == text.length();
    }

    static boolean isQuotable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isQuotable(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code value} as a quoted-string, escaping {@code "} and {@code \}. */
    static void appendQuoted(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
