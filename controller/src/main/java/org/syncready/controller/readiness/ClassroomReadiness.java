package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * The verdict for one classroom of a session, with the reasons, the status it was judged on
 * ({@code statusAt}, when it arrived) and the self-test folded in ({@code selftestAt}, when it was answered).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClassroomReadiness(String classroomId, String schoolId, Role role, String boxId, Verdict verdict,
                                 List<Reason> reasons, Instant statusAt, SelftestOutcome selftest, Instant selftestAt) {
    public ClassroomReadiness {
        reasons = List.copyOf(reasons);
    }

    public ClassroomReadiness(String classroomId, String schoolId, Role role, String boxId, Verdict verdict,
                              List<Reason> reasons, Instant statusAt, SelftestOutcome selftest) {
        this(classroomId, schoolId, role, boxId, verdict, reasons, statusAt, selftest, null);
    }

    /** Lead (主讲) or remote (听讲) in this session. */
    public enum Role {
        LEAD, REMOTE
    }
}
