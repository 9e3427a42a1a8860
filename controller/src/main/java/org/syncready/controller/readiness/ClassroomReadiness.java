package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/** The verdict for one classroom of a session, with the reasons and the status it was judged on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassroomReadiness(String classroomId, String schoolId, Role role, String boxId, Verdict verdict,
                                 List<Reason> reasons, Instant statusAt, SelftestOutcome selftest) {
    public ClassroomReadiness {
        reasons = List.copyOf(reasons);
    }

    /** Lead (主讲) or remote (听讲) in this session. */
    public enum Role {
        LEAD, REMOTE
    }
}
