package org.syncready.controller.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** An {@link AuditStore} in memory, for tests of what gets audited without a database. */
public final class InMemoryAuditStore implements AuditStore {
    private final List<AuditEntry> entries = new ArrayList<>();

    @Override
    public synchronized void append(AuditEntry e) {
        entries.add(new AuditEntry(entries.size() + 1, e.at(), e.actor(), e.source(), e.action(), e.target(), e.detail(), e.result()));
    }

    @Override
    public synchronized List<AuditEntry> list(AuditQuery q) {
        // As SQL's LIKE: ASCII letters in either case match.
        String prefix = (q.actionPrefix() == null ? "" : q.actionPrefix().replace("%", "")).toLowerCase(Locale.ROOT);
        return entries.stream()
                .filter(e -> q.sinceMs() == null || e.at() >= q.sinceMs())
                .filter(e -> q.untilMs() == null || e.at() < q.untilMs())
                .filter(e -> q.actor() == null || q.actor().equals(e.actor()))
                .filter(e -> e.action().toLowerCase(Locale.ROOT).startsWith(prefix))
                .filter(e -> q.target() == null || e.target() != null && e.target().contains(q.target()))
                .filter(e -> q.source() == null || q.source().equals(e.source()))
                .sorted(Comparator.comparingLong(AuditEntry::id).reversed())
                .limit(q.limit()).toList();
    }
}
