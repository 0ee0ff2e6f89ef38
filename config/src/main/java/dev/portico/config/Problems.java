package dev.portico.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one file so that an admin sees all of them at once rather than one per attempt. */
final class Problems {

    private final String file;
    private final List<ConfigProblem> found = new ArrayList<>();
    private int followUps;

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void add(Position position, String path, String message, String fix) {
        found.add(new ConfigProblem(file, position.line(), position.column(), path, message, fix));
    }

    /**
     * Notes a value that is unusable only because of a problem already reported (an unset environment variable).
     * Repeating it would be noise, but the readers must still know not to build a record from it.
     */
    void addFollowUp() {
        followUps++;
    }

    /** Grows whenever something went wrong; readers compare it before and after to know whether their part is sound. */
    int count() {
        return found.size() + followUps;
    }

    void throwIfAny() {
        if (found.isEmpty()) {
            if (followUps > 0) {
                throw new IllegalStateException("follow-up failures without the problem they follow");
            }
            return;
        }
        List<ConfigProblem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
        throw new ConfigException(sorted);
    }

    static ConfigException single(ConfigProblem problem) {
        return new ConfigException(List.of(problem));
    }
}
