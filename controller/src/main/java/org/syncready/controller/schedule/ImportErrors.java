package org.syncready.controller.schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The problems found in one imported file: every one counted, only the first {@link #MAX_LISTED} (by
 * line) kept. A wrong file can hold a problem on every one of its 20,000 rows, or a clash between every
 * pair of them; the school needs the first ones and the total, and memory must not grow with the damage.
 * Not thread-safe: one reader fills it.
 */
final class ImportErrors {
    /** How many problems an answer lists; the rest are counted. */
    static final int MAX_LISTED = 100;

    /** A problem and when it was found: problems of one line and field stay in the order they were found. */
    private record Found(ImportError error, int seq) {
    }

    private static final Comparator<Found> ORDER = Comparator.comparingInt((Found f) -> f.error().line())
            .thenComparing(f -> f.error().field() == null ? "" : f.error().field())
            .thenComparingInt(Found::seq);

    /** The kept problems with the last in file order on top, so the one to drop is at hand. */
    private final PriorityQueue<Found> kept = new PriorityQueue<>(ORDER.reversed());
    private final int limit;
    private int count;

    ImportErrors() {
        this(MAX_LISTED);
    }

    ImportErrors(int limit) {
        this.limit = limit;
    }

    void add(ImportError e) {
        Found f = new Found(e, count++);
        if (kept.size() < limit) {
            kept.add(f);
        } else if (ORDER.compare(f, kept.peek()) < 0) {
            kept.poll();
            kept.add(f);
        }
    }

    /** Every problem added, listed or not. */
    int count() {
        return count;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** The kept problems in file order. */
    List<ImportError> listed() {
        List<Found> sorted = new ArrayList<>(kept);
        sorted.sort(ORDER);
        List<ImportError> out = new ArrayList<>(sorted.size());
        sorted.forEach(f -> out.add(f.error()));
        return out;
    }

    ImportResult result(List<SessionDraft> sessions) {
        return new ImportResult(sessions, listed(), count);
    }
}
