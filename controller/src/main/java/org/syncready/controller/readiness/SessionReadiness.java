package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One readiness verdict of a session: the overall verdict, when and why it was made ({@code trigger}:
 * {@code T-30}, {@code T-5}, {@code on-demand}, {@code in-session}, {@code live}, {@code preview}),
 * and each classroom's verdict.
 *
 * @param checkedAt when the verdict was made (schedule clock): the answer is "as of" this time
 * @param dataAsOf  the oldest status the verdict rests on (boxes' data clock); null when no box reported
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SessionReadiness(String sessionId, Verdict verdict, Instant checkedAt, String trigger,
                               List<ClassroomReadiness> classrooms, Instant dataAsOf) {
    public SessionReadiness {
        classrooms = List.copyOf(classrooms);
    }

    public SessionReadiness(String sessionId, Verdict verdict, Instant checkedAt, String trigger, List<ClassroomReadiness> classrooms) {
        this(sessionId, verdict, checkedAt, trigger, classrooms, oldestStatus(classrooms));
    }

    private static Instant oldestStatus(List<ClassroomReadiness> classrooms) {
        Instant oldest = null;
        for (ClassroomReadiness c : classrooms) {
            if (c.statusAt() != null && (oldest == null || c.statusAt().isBefore(oldest))) {
                oldest = c.statusAt();
            }
        }
        return oldest;
    }
}
