package org.syncready.controller.audit;

import java.util.List;

/**
 * Where the audit log is kept. Implemented in the store package (SQLite) and by an in-memory fake in
 * the tests. Blocking; a failure of the store is thrown unchecked.
 */
public interface AuditStore {

    /** Appends an entry; its {@code id} is ignored, the store numbers entries in the order they come. */
    void append(AuditEntry entry);

    /**
     * The newest entries first, at most {@code limit}, made at or after {@code sinceMs} (all when null)
     * and whose action starts with {@code actionPrefix} (all when null).
     */
    List<AuditEntry> list(int limit, Long sinceMs, String actionPrefix);
}
