package org.syncready.controller.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row, left-aligned columns two spaces apart, long cells cut. */
final class Table {
    private static final int MAX_CELL = 60;
    private final List<String[]> rows = new ArrayList<>();
    private boolean lastUncut;

    Table(String... header) {
        rows.add(header);
    }

    /** Leaves the last column whole (a list of measured values that should not lose its end). */
    Table lastColumnUncut() {
        lastUncut = true;
        return this;
    }

    Table row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String s = cells[i] == null ? "-" : String.valueOf(cells[i]);
            boolean cut = s.length() > MAX_CELL && !(lastUncut && i == cells.length - 1);
            r[i] = cut ? s.substring(0, MAX_CELL - 1) + "…" : s;
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    void print(PrintWriter out) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols && i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                String cell = i < r.length ? r[i] : "";
                line.append(cell);
                if (i < cols - 1) {
                    line.append(" ".repeat(width[i] - cell.codePointCount(0, cell.length()) + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
