package dev.portico.config;

/** Builds the key paths shown in problems: {@code server.port}, {@code upstreams[1].timeout}. */
final class KeyPaths {

    private KeyPaths() {}

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String index(String path, int index) {
        return path + "[" + index + "]";
    }
}
