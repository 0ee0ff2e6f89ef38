package dev.portico.oauth.client;

/**
 * Text an authorization server sent (an {@code error_description}, a parse failure about its response), made fit for
 * an exception message shown to users: one line, printable, bounded.
 */
public final class ServerText {

    private static final int MAX_LENGTH = 200;

    private ServerText() {}

    public static String forMessage(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 1));
        for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (text.length() > MAX_LENGTH) {
            out.append('…');
        }
        return out.toString().strip();
    }
}
