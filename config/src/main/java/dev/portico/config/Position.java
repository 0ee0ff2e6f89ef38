package dev.portico.config;

import com.fasterxml.jackson.core.JsonLocation;

/** A 1-based line and column in the config file; {@link #NONE} when a problem concerns the file as a whole. */
record Position(int line, int column) {

    static final Position NONE = new Position(0, 0);

    static Position of(JsonLocation location) {
        return location == null || location.getLineNr() < 1
                ? NONE
                : new Position(location.getLineNr(), Math.max(location.getColumnNr(), 1));
    }

    boolean isKnown() {
        return line > 0;
    }
}
