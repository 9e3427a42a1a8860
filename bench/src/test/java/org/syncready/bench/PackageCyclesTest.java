package org.syncready.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.syncready.agent.Agent;
import org.syncready.controller.Controller;
import org.syncready.controller.PackageGraph;
import org.syncready.firmware.ProfileCatalogue;
import org.syncready.protocol.Topics;

/**
 * No package cycle in any module with main code. Checked here because this module sees every other
 * one's classes (folder or jar, as the build resolved them); jdeps reads each module on its own.
 */
class PackageCyclesTest {
    static List<Map.Entry<String, Path>> modules() {
        Map<String, Path> modules = new LinkedHashMap<>();
        modules.put("protocols", PackageGraph.locationOf(Topics.class));
        modules.put("firmware-configs", PackageGraph.locationOf(ProfileCatalogue.class));
        modules.put("agent", PackageGraph.locationOf(Agent.class));
        modules.put("controller", PackageGraph.locationOf(Controller.class));
        modules.put("bench", PackageGraph.locationOf(BenchMain.class));
        return List.copyOf(modules.entrySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modules")
    void noPackageCycle(Map.Entry<String, Path> module) {
        PackageGraph graph = PackageGraph.of(List.of(module.getValue()));
        assertFalse(graph.packages().isEmpty(), module.getKey() + ": no classes in " + module.getValue());
        assertEquals(List.of(), graph.cycles(), module.getKey() + " (" + module.getValue() + "): package cycles");
    }
}
