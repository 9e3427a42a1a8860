package org.syncready.controller.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link AuditStore} does, run against the SQLite store and the in-memory fake. */
public abstract class AuditStoreContract {
    private AuditStore store;

    protected abstract AuditStore newStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @Test
    void entriesListNewestFirstFilteredBySinceAndActionPrefix() {
        store.append(new AuditEntry(0, 1_000, "li.tech", "rollout.start", "r-1", "{}", "ok"));
        store.append(new AuditEntry(0, 2_000, "system", "rollout.pause", "r-1", "canary failed", "ok"));
        store.append(new AuditEntry(0, 3_000, "wang", "session.import", "term", null, "ok"));

        List<AuditEntry> all = store.list(10, null, null);
        assertEquals(List.of("session.import", "rollout.pause", "rollout.start"), all.stream().map(AuditEntry::action).toList());
        assertEquals(all.get(1), new AuditEntry(all.get(1).id(), 2_000, "system", "rollout.pause", "r-1", "canary failed", "ok"));
        assertEquals(List.of("rollout.pause", "rollout.start"), store.list(10, null, "rollout.").stream().map(AuditEntry::action).toList());
        assertEquals(List.of("rollout.pause", "rollout.start"), store.list(10, null, "Rollout%").stream().map(AuditEntry::action).toList(),
                "the prefix's own wildcards are dropped; letters match in either case");
        assertEquals(List.of("session.import", "rollout.pause"), store.list(10, 2_000L, null).stream().map(AuditEntry::action).toList());
        assertEquals(List.of("session.import"), store.list(1, null, null).stream().map(AuditEntry::action).toList());
    }
}
