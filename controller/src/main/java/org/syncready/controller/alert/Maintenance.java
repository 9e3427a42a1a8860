package org.syncready.controller.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A school or one classroom under repair until a set time: its problems are kept but not sent; what
 * is still wrong when the window ends is sent then.
 *
 * @param classroomId null when the whole school is under maintenance
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Maintenance(long id, String schoolId, String classroomId, Instant from, Instant until, String note, String by) {

    public boolean covers(String school, String classroom, Instant at) {
        if (at.isBefore(from) || !at.isBefore(until)) {
            return false;
        }
        return classroomId == null ? schoolId.equals(school) : classroomId.equals(classroom);
    }
}
