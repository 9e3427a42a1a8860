package org.syncready.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controller's package rules (docs/ARCHITECTURE.md), checked on its compiled classes with the
 * JDK's jdeps: dependencies point one way, JDBC lives in the store package only, and only the wiring
 * (the root package) knows the store.
 */
class ArchitectureTest {
    private static final String ROOT = "org.syncready.controller";
    private static final String STORE = ROOT + ".store";
    /**
     * Until the rollout split (issue 10 item 2) moves the rollout package's SQL into store/SqlRolloutStore,
     * rollout still uses JDBC and the wiring hands it a DataSource. Once that has landed, this test fails
     * and asks for these two entries to be deleted.
     */
    private static final Set<String> JDBC_UNTIL_ROLLOUT_SPLIT = Set.of(ROOT + ".rollout", ROOT);

    private static PackageGraph graph;

    @BeforeAll
    static void read() {
        graph = PackageGraph.of(List.of(PackageGraph.locationOf(Controller.class)));
    }

    @Test
    void noPackageCycle() {
        assertTrue(graph.packages().contains(STORE), "read the controller's classes: " + graph.packages());
        assertEquals(List.of(), graph.cycles(), "package cycles");
    }

    @Test
    void jdbcOnlyInTheStorePackage() {
        Set<String> jdbc = new TreeSet<>(graph.users("java.sql"));
        jdbc.addAll(graph.users("javax.sql"));
        assertTrue(jdbc.contains(STORE), "the store speaks JDBC: " + jdbc);
        Set<String> elsewhere = new TreeSet<>(jdbc);
        elsewhere.remove(STORE);
        Set<String> stillExempt = new TreeSet<>(JDBC_UNTIL_ROLLOUT_SPLIT);
        stillExempt.retainAll(elsewhere);
        elsewhere.removeAll(JDBC_UNTIL_ROLLOUT_SPLIT);
        assertEquals(Set.of(), elsewhere, "packages other than store using java.sql / javax.sql");
        assertEquals(JDBC_UNTIL_ROLLOUT_SPLIT, stillExempt,
                "the rollout split has landed: delete the packages no longer listed from JDBC_UNTIL_ROLLOUT_SPLIT");
    }

    @Test
    void onlyTheWiringKnowsTheStore() {
        Set<String> users = new TreeSet<>(graph.users(STORE));
        users.remove(STORE);
        assertEquals(Set.of(ROOT), users, "domain packages own their store interfaces; only Controller picks the implementation");
    }
}
