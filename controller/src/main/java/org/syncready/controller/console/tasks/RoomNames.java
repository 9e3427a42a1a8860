package org.syncready.controller.console.tasks;

import org.syncready.controller.console.Texts;
import org.syncready.controller.fleet.FleetRegistry;

/**
 * A classroom as people name it across schools: its school's name and its own ("河西镇中心小学 三年级1班"),
 * once even when the classroom's name already starts with the school's (as the demo's do); its id when
 * it is not in the registry (any more).
 */
record RoomNames(FleetRegistry registry) {

    String full(Texts t, String classroomId) {
        return registry.classroom(classroomId).map(c -> {
            String room = t.classroom(c);
            String school = registry.school(c.schoolId()).map(t::school).orElse("");
            return school.isEmpty() || room.startsWith(school) ? room : school + " " + room;
        }).orElse(classroomId);
    }

    /** The room's own name without its school's (a table that shows the school beside it). */
    String room(Texts t, String classroomId) {
        return registry.classroom(classroomId).map(c -> {
            String room = t.classroom(c);
            String school = registry.school(c.schoolId()).map(t::school).orElse("");
            return !school.isEmpty() && room.startsWith(school) && room.length() > school.length() ? room.substring(school.length()).strip() : room;
        }).orElse(classroomId);
    }
}
