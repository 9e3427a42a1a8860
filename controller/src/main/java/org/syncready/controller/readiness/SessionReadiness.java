package org.syncready.controller.readiness;

import java.time.Instant;
import java.util.List;

/**
 * One readiness check of a session: the overall verdict, when and why it was made ({@code trigger}:
 * {@code T-30}, {@code T-5}, {@code on-demand}, {@code in-session}), and each classroom's verdict.
 */
public record SessionReadiness(String sessionId, Verdict verdict, Instant checkedAt, String trigger,
                               List<ClassroomReadiness> classrooms) {
    public SessionReadiness {
        classrooms = List.copyOf(classrooms);
    }
}
