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

    private List<String> actions(AuditQuery q) {
        return store.list(q).stream().map(AuditEntry::action).toList();
    }

    private static AuditQuery since(int limit, Long sinceMs, String actionPrefix) {
        return new AuditQuery(limit, sinceMs, null, null, actionPrefix, null, null);
    }

    @Test
    void entriesListNewestFirstFilteredBySinceAndActionPrefix() {
        store.append(new AuditEntry(0, 1_000, "li.tech", "10.0.0.7", "rollout.start", "r-1", "{}", "ok"));
        store.append(new AuditEntry(0, 2_000, "system", null, "rollout.pause", "r-1", "canary failed", "ok"));
        store.append(new AuditEntry(0, 3_000, "wang", "10.0.0.8", "session.import", "term", null, "ok"));

        List<AuditEntry> all = store.list(AuditQuery.newest(10));
        assertEquals(List.of("session.import", "rollout.pause", "rollout.start"), all.stream().map(AuditEntry::action).toList());
        assertEquals(all.get(1), new AuditEntry(all.get(1).id(), 2_000, "system", null, "rollout.pause", "r-1", "canary failed", "ok"));
        assertEquals(List.of("rollout.pause", "rollout.start"), actions(since(10, null, "rollout.")));
        assertEquals(List.of("rollout.pause", "rollout.start"), actions(since(10, null, "Rollout%")),
                "the prefix's own wildcards are dropped; letters match in either case");
        assertEquals(List.of("session.import", "rollout.pause"), actions(since(10, 2_000L, null)));
        assertEquals(List.of("session.import"), actions(AuditQuery.newest(1)));
    }

    @Test
    void entriesFilterByActorSourceTargetAndEnd() {
        store.append(new AuditEntry(0, 1_000, "li.tech", "10.0.0.7", "rollout.start", "r-1: boxes [box-hexi-g3]", null, "ok"));
        store.append(new AuditEntry(0, 2_000, "wang", "10.0.0.8", "login.failed", "session", null, "refused"));
        store.append(new AuditEntry(0, 3_000, "li.tech", "10.0.0.9", "box.register", "box box-hexi-g4 in classroom hexi-g4", null, "ok 201"));

        assertEquals("10.0.0.7", store.list(AuditQuery.newest(10)).get(2).source());
        assertEquals(List.of("box.register", "rollout.start"), actions(new AuditQuery(10, null, null, "li.tech", null, null, null)));
        assertEquals(List.of("login.failed"), actions(new AuditQuery(10, null, null, null, null, null, "10.0.0.8")));
        assertEquals(List.of("rollout.start"), actions(new AuditQuery(10, null, null, null, null, "box-hexi-g3", null)));
        assertEquals(List.of("login.failed", "rollout.start"), actions(new AuditQuery(10, null, 3_000L, null, null, null, null)),
                "until is exclusive");
        assertEquals(List.of(), actions(new AuditQuery(10, null, null, "li", null, null, null)), "actors match exactly");
    }
}
