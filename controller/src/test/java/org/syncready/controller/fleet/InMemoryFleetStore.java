package org.syncready.controller.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link FleetStore} in memory, for tests that need a registry but not a database. Like the SQLite
 * store, an id taken once is refused again, also when another registry on the same store took it.
 */
public final class InMemoryFleetStore implements FleetStore {
    private final Map<String, School> schools = new LinkedHashMap<>();
    private final Map<String, Classroom> classrooms = new LinkedHashMap<>();
    private final Map<String, StoredBox> boxes = new LinkedHashMap<>();

    @Override
    public synchronized Registered load() {
        return new Registered(new ArrayList<>(schools.values()), new ArrayList<>(classrooms.values()),
                new ArrayList<>(boxes.values()));
    }

    @Override
    public synchronized Optional<StoredBox> findBox(String boxId) {
        return Optional.ofNullable(boxes.get(boxId));
    }

    @Override
    public synchronized boolean addSchool(School school, long createdAt) {
        return schools.putIfAbsent(school.id(), school) == null;
    }

    @Override
    public synchronized boolean addClassroom(Classroom classroom, long createdAt) {
        return classrooms.putIfAbsent(classroom.id(), classroom) == null;
    }

    @Override
    public synchronized boolean addBox(StoredBox box) {
        return boxes.putIfAbsent(box.box().id(), box) == null;
    }

    @Override
    public synchronized boolean replaceSecret(String boxId, String secretHash) {
        StoredBox b = boxes.get(boxId);
        if (b == null) {
            return false;
        }
        boxes.put(boxId, new StoredBox(b.box(), secretHash));
        return true;
    }

    @Override
    public synchronized boolean removeBox(String boxId) {
        return boxes.remove(boxId) != null;
    }
}
