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
        entries.add(new AuditEntry(entries.size() + 1, e.at(), e.actor(), e.action(), e.target(), e.detail(), e.result()));
    }

    @Override
    public synchronized List<AuditEntry> list(int limit, Long sinceMs, String actionPrefix) {
        // As SQL's LIKE: ASCII letters in either case match.
        String prefix = (actionPrefix == null ? "" : actionPrefix.replace("%", "")).toLowerCase(Locale.ROOT);
        return entries.stream()
                .filter(e -> sinceMs == null || e.at() >= sinceMs)
                .filter(e -> e.action().toLowerCase(Locale.ROOT).startsWith(prefix))
                .sorted(Comparator.comparingLong(AuditEntry::id).reversed())
                .limit(limit).toList();
    }
}
