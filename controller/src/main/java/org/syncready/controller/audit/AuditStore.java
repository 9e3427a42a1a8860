package org.syncready.controller.audit;

import java.util.List;

/**
 * Where the audit log is kept: append-only (the SQLite store's triggers refuse changing or deleting an
 * entry). Implemented in the store package (SQLite) and by an in-memory fake in the tests. Blocking; a
 * failure of the store is thrown unchecked.
 */
public interface AuditStore {

    /** Appends an entry; its {@code id} is ignored, the store numbers entries in the order they come. */
    void append(AuditEntry entry);

    /**
     * The newest entries first that match {@code q}: the action prefix's own wildcards ({@code %}) are
     * dropped and letters match in either case; actor and source match exactly; the target contains
     * {@code q.target()}.
     */
    List<AuditEntry> list(AuditQuery q);
}
