package org.syncready.controller.readiness;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** Something that went wrong in a classroom while its session ran; {@code end} is null while it lasts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Incident(long id, String sessionId, String classroomId, String boxId, ReasonCode code, String device,
                       Severity severity, String message, Instant start, Instant end) {
}
