package dev.portico.bench;

import java.util.Locale;

/** Progress lines on stderr, so that stdout carries only the table. */
final class Progress {

    private Progress() {}

    static void say(String pattern, Object... args) {
        System.err.println("[bench] " + String.format(Locale.ROOT, pattern, args));
        System.err.flush();
    }
}
