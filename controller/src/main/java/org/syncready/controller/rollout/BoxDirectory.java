package org.syncready.controller.rollout;

import java.util.List;
import java.util.Optional;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;

/** The part of the fleet registry rollouts read: which boxes, classrooms and schools exist, and where each box is. */
public interface BoxDirectory {
    Optional<Box> box(String id);

    /** Every registered box. */
    List<Box> boxes();

    boolean hasClassroom(String id);

    boolean hasSchool(String id);

    /** The ids of a school's classrooms. */
    List<String> classroomIds(String schoolId);

    Optional<String> schoolOf(String boxId);

    /** The registry itself (its in-memory cache: no call blocks). */
    static BoxDirectory of(FleetRegistry registry) {
        return new BoxDirectory() {
            @Override
            public Optional<Box> box(String id) {
                return registry.box(id);
            }

            @Override
            public List<Box> boxes() {
                return registry.boxes();
            }

            @Override
            public boolean hasClassroom(String id) {
                return registry.classroom(id).isPresent();
            }

            @Override
            public boolean hasSchool(String id) {
                return registry.school(id).isPresent();
            }

            @Override
            public List<String> classroomIds(String schoolId) {
                return registry.classrooms(schoolId).stream().map(Classroom::id).toList();
            }

            @Override
            public Optional<String> schoolOf(String boxId) {
                return registry.schoolOf(boxId);
            }
        };
    }
}
