package org.syncready.controller.schedule;

import java.util.List;

/**
 * What importing a set of drafts would do to the stored schedule, matched on (lead classroom, start):
 * new sessions, changed ones (subject, teacher, end, remote classrooms...) and how many are already there.
 */
public record ImportPlan(List<SessionDraft> create, List<Update> update, int unchanged) {
    public ImportPlan {
        create = List.copyOf(create);
        update = List.copyOf(update);
    }

    /** A stored session and what the import would turn it into. */
    public record Update(SyncSession before, SessionDraft after) {
    }
}
