package dev.portico.config;

import java.util.Objects;

/**
 * One thing wrong with a config file, precise enough for an admin to fix it without guessing.
 *
 * @param file the file as given (a path string, or a name such as "built-in demo")
 * @param line the 1-based line of the offending key or value; {@link #NO_LINE} when the problem concerns the whole
 *     file (for example, it cannot be read)
 * @param column the 1-based column; {@link #NO_LINE} together with {@code line}
 * @param path the key path, such as {@code upstreams[1].timeout}; empty when the problem is not about one key
 * @param message what is wrong
 * @param fix what would fix it
 */
public record ConfigProblem(String file, int line, int column, String path, String message, String fix) {

    public static final int NO_LINE = 0;

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(fix, "fix");
    }

    public boolean hasLocation() {
        return line != NO_LINE;
    }

    /**
     * The problem as one line, in the {@code file:line:column:} form that editors and terminals turn into links:
     * {@code portico.yaml:7:14: upstreams[1].timeout: invalid duration "ten" — use a number with a unit: ...}.
     */
    public String render() {
        StringBuilder out = new StringBuilder(file);
        if (hasLocation()) {
            out.append(':').append(line).append(':').append(column);
        }
        out.append(": ");
        if (!path.isEmpty()) {
            out.append(path).append(": ");
        }
        out.append(message);
        if (!fix.isEmpty()) {
            out.append(" — ").append(fix);
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
