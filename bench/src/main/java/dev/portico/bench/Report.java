package dev.portico.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one table {@code bench/run} prints: a row per measurement, with its target and whether it was met. */
final class Report {

    /** One measurement. {@code met} is empty when the row has no target of its own. */
    record Row(String part, String subject, String result, String versusDirect, String target, String met) {}

    private final List<Row> rows = new ArrayList<>();

    void add(Row row) {
        rows.add(row);
    }

    /** A row without a comparison; {@code met} is "yes", "no" or "" when there is no target. */
    void add(String part, String subject, String result, String target, String met) {
        add(new Row(part, subject, result, "", target, met));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    static String met(boolean met) {
        return met ? "yes" : "**no**";
    }

    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** Prints the rows as one Markdown table, so that it can be pasted into docs/performance.md as it is. */
    void print(PrintStream out) {
        out.println("| part | case | result | Portico vs direct | target | met |");
        out.println("|---|---|---|---|---|---|");
        for (Row row : rows) {
            out.println("| "
                    + String.join(
                            " | ", row.part(), row.subject(), row.result(), row.versusDirect(), row.target(), row.met())
                    + " |");
        }
        out.flush();
    }
}
