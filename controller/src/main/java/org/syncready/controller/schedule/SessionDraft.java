package org.syncready.controller.schedule;

import java.time.Instant;
import java.util.List;

/**
 * One session occurrence as read from an import or the API, before it is stored. {@code source}
 * says where it came from ("line 12", "UID abc@school"), for messages.
 */
public record SessionDraft(String leadClassroomId, List<String> remoteClassroomIds, String subject, String teacher,
                           SessionKind kind, Instant start, Instant end, String source) {
    public SessionDraft {
        remoteClassroomIds = List.copyOf(remoteClassroomIds);
    }
}
