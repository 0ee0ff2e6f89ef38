package dev.portico.aggregator.cli;

import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns exceptions into the one line the CLI prints. */
final class Failures {

    private Failures() {}

    /**
     * The messages of {@code e} and its causes, joined by ": ", without repeats (a wrapper's message often already
     * contains its cause's); the class name stands in for a missing message.
     */
    static String describe(Throwable e) {
        if (e instanceof StartupException) {
            return e.getMessage();
        }
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            if (message == null || message.isBlank()) {
                if (t.getCause() == null && parts.isEmpty()) {
                    parts.add(t.getClass().getSimpleName());
                }
                continue;
            }
            String line = message.strip().lines().findFirst().orElse("");
            if (parts.stream().noneMatch(p -> p.contains(line))) {
                parts.add(line);
            }
        }
        return String.join(": ", parts);
    }

    /** The first {@link BindException} in the cause chain of {@code e}, if any. */
    static Optional<BindException> bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BindException bind) {
                return Optional.of(bind);
            }
        }
        return Optional.empty();
    }
}
