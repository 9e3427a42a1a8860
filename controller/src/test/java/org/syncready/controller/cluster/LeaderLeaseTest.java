package org.syncready.controller.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.syncready.controller.store.PostgresqlLock;
import org.syncready.controller.store.TestPostgresql;

/** The leader lease against a real PostgreSQL: one holder at a time, and a broken connection steps down. */
class LeaderLeaseTest {
    /** Long enough that the test's own round() calls are the only rounds after start(). */
    private static final Duration MANUAL = Duration.ofHours(1);

    @Test
    void aLockHeldByAnotherSessionMakesAFollowerThatTakesOverWhenItIsFreed() throws Exception {
        try (TestPostgresql pg = TestPostgresql.create();
             LeaderLease first = LeaderLease.postgresql("node-a", () -> PostgresqlLock.open(pg.connect()), MANUAL).start();
             LeaderLease second = LeaderLease.postgresql("node-b", () -> PostgresqlLock.open(pg.connect()), MANUAL).start()) {
            assertTrue(first.isLeader(), "the first node to try takes the lock");
            assertFalse(second.isLeader(), "the lock is held by the other session");
            second.round();
            assertFalse(second.isLeader(), "still held");

            List<Boolean> told = new CopyOnWriteArrayList<>();
            second.onChange(told::add);
            first.close();
            // PostgreSQL frees the lock as the closed session's backend exits, a moment after the client closed it.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                second.round();
                return second.isLeader();
            });
            assertEquals(List.of(true), told);
        }
    }

    @Test
    void anotherSchemaHasALeaderOfItsOwn() throws Exception {
        try (TestPostgresql one = TestPostgresql.create(); TestPostgresql two = TestPostgresql.create();
             LeaderLease a = LeaderLease.postgresql("node-a", () -> PostgresqlLock.open(one.connect()), MANUAL).start();
             LeaderLease b = LeaderLease.postgresql("node-b", () -> PostgresqlLock.open(two.connect()), MANUAL).start()) {
            assertTrue(a.isLeader());
            assertTrue(b.isLeader(), "two installations in one database do not share the lock");
        }
    }

    @Test
    void aBrokenConnectionStepsDownAtOnceAndTheLockPassesToTheOtherNode() throws Exception {
        try (TestPostgresql pg = TestPostgresql.create();
             LeaderLease leader = LeaderLease.postgresql("node-a", () -> PostgresqlLock.open(pg.connect()), MANUAL).start();
             LeaderLease other = LeaderLease.postgresql("node-b", () -> PostgresqlLock.open(pg.connect()), MANUAL).start()) {
            assertTrue(leader.isLeader());
            List<Boolean> told = new CopyOnWriteArrayList<>();
            leader.onChange(told::add);

            // What a dead node looks like to PostgreSQL: its session ends, and with it the lock.
            try (Connection c = pg.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
                         + " AND classid = " + PostgresqlLock.LOCK_CLASS + " AND granted")) {
                assertTrue(rs.next() && rs.getBoolean(1), "the lock's session was found and ended");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                other.round();
                return other.isLeader();
            });

            leader.round();
            assertFalse(leader.isLeader(), "the query on the broken connection failed: stepped down");
            assertEquals(List.of(false), told);
            leader.round();
            assertFalse(leader.isLeader(), "reconnected, but the lock is the other node's now");
        }
    }

    @Test
    void withoutPostgresqlTheOnlyNodeLeads() {
        try (LeaderLease lease = LeaderLease.always("node-a").start()) {
            assertTrue(lease.isLeader());
        }
    }
}
