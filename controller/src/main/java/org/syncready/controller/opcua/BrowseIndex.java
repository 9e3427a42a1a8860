package org.syncready.controller.opcua;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;

/**
 * The registry arranged for browsing: box ids in order, boxes by classroom, classrooms by school.
 * Rebuilt only when the registry changed ({@link FleetRegistry#version()}), so browsing 10,000
 * classrooms one by one does not scan 10,000 boxes each time.
 */
final class BrowseIndex {
    record Index(long version, List<String> boxIds, Map<String, List<String>> boxesByClassroom,
                 Map<String, List<String>> classroomsBySchool) {
    }

    private final FleetRegistry registry;
    private volatile Index index = new Index(-1, List.of(), Map.of(), Map.of());

    BrowseIndex(FleetRegistry registry) {
        this.registry = registry;
    }

    /** The index for the registry as it is now; two threads racing after a change both build it, which is harmless. */
    Index current() {
        Index i = index;
        long v = registry.version();
        if (i.version() == v) {
            return i;
        }
        Map<String, List<String>> byClassroom = new HashMap<>();
        List<String> boxIds = new ArrayList<>();
        for (Box b : registry.boxes()) {
            boxIds.add(b.id());
            byClassroom.computeIfAbsent(b.classroomId(), k -> new ArrayList<>(1)).add(b.id());
        }
        Map<String, List<String>> bySchool = new HashMap<>();
        for (Classroom c : registry.classrooms(null)) {
            bySchool.computeIfAbsent(c.schoolId(), k -> new ArrayList<>()).add(c.id());
        }
        i = new Index(v, List.copyOf(boxIds), byClassroom, bySchool);
        index = i;
        return i;
    }
}
