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
        assertEquals(Set.of(), elsewhere, "packages other than store using java.sql / javax.sql");
    }

    @Test
    void onlyTheWiringKnowsTheStore() {
        Set<String> users = new TreeSet<>(graph.users(STORE));
        users.remove(STORE);
        assertEquals(Set.of(ROOT), users, "domain packages own their store interfaces; only Controller picks the implementation");
    }
}
