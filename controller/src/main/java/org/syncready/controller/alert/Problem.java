package org.syncready.controller.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One thing wrong that people are told about once, reminded of while it lasts and unacknowledged,
 * and told again when it is over: a classroom not ready for a session, an in-class incident, an
 * offline box, a stopped rollout. Kept in the store, so a restart neither repeats nor forgets it.
 *
 * @param key                  {@code ready|session|classroom}, {@code incident|id}, {@code offline|box}, {@code rollout|id|state}
 * @param schools              the schools it concerns (one, or a rollout's several; empty for none)
 * @param item                 how the latest check describes it
 * @param fingerprint          what the problem is (verdict and reasons): a change is told as a change
 * @param expiresAt            after this it closes without a recovery notice (a readiness problem at
 *                             its session's start: in class, incidents take over)
 * @param announcedAt          when a notice first told it; null while it waits (quiet hours, maintenance)
 * @param announcedFingerprint the fingerprint last told
 * @param recoveryDue          closed after being told: the recovery notice is still to go out
 * @param escalationDue        still NOT_READY at the escalation check: the bureau is still to be told
 * @param trigger              the check that last judged it ({@code T-30}, {@code T-5}, ...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String key, AlertTopic topic, AlertLevel level, List<String> schools, String classroomId,
                     Notice.Item item, String fingerprint, String trigger, Instant openedAt, Instant updatedAt,
                     Instant closedAt, Instant expiresAt, Instant announcedAt, String announcedFingerprint,
                     boolean recoveryDue, Instant lastRepeatAt, int repeats, boolean escalationDue, Instant escalatedAt,
                     String ackedBy, String ackedVia, Instant ackedAt) {

    public Problem {
        schools = schools == null ? List.of() : List.copyOf(schools);
    }

    static Problem open(String key, AlertTopic topic, AlertLevel level, List<String> schools, String classroomId, Notice.Item item,
                        String fingerprint, String trigger, Instant now, Instant expiresAt) {
        return new Problem(key, topic, level, schools, classroomId, item, fingerprint, trigger, now, now, null, expiresAt,
                null, null, false, null, 0, false, null, null, null, null);
    }

    @JsonIgnore
    public boolean isOpen() {
        return closedAt == null;
    }

    /** Still to be kept: open, or closed with its recovery notice not yet sent. */
    @JsonIgnore
    public boolean live() {
        return closedAt == null || recoveryDue;
    }

    @JsonIgnore
    public String schoolId() {
        return schools.isEmpty() ? null : schools.get(0);
    }

    @JsonIgnore
    public boolean acknowledged() {
        return ackedBy != null;
    }

    /** The same problem as judged again now. */
    Problem seen(AlertLevel newLevel, Notice.Item newItem, String newFingerprint, String newTrigger, Instant now) {
        return new Problem(key, topic, newLevel, schools, classroomId, newItem, newFingerprint, newTrigger, openedAt, now, null,
                expiresAt, announcedAt, announcedFingerprint, false, lastRepeatAt, repeats, escalationDue, escalatedAt, ackedBy,
                ackedVia, ackedAt);
    }

    /** Over at {@code at}; a recovery notice is due if people were told of it and {@code tell} is true. */
    Problem closed(Instant at, boolean tell) {
        return new Problem(key, topic, level, schools, classroomId, item.closedAt(at), fingerprint, trigger, openedAt, at, at,
                expiresAt, announcedAt, announcedFingerprint, tell && announcedAt != null, lastRepeatAt, repeats, false,
                escalatedAt, ackedBy, ackedVia, ackedAt);
    }

    Problem announced(Instant at, boolean repeat) {
        return new Problem(key, topic, level, schools, classroomId, item, fingerprint, trigger, openedAt, updatedAt, closedAt,
                expiresAt, announcedAt == null ? at : announcedAt, fingerprint, false, repeat ? at : lastRepeatAt,
                repeat ? repeats + 1 : repeats, escalationDue, escalatedAt, ackedBy, ackedVia, ackedAt);
    }

    Problem escalation(boolean due, Instant at) {
        return new Problem(key, topic, level, schools, classroomId, item, fingerprint, trigger, openedAt, updatedAt, closedAt,
                expiresAt, announcedAt, announcedFingerprint, recoveryDue, lastRepeatAt, repeats, due, due ? escalatedAt : at,
                ackedBy, ackedVia, ackedAt);
    }

    Problem acknowledged(String by, String via, Instant at) {
        return new Problem(key, topic, level, schools, classroomId, item.ackedBy(by), fingerprint, trigger, openedAt, updatedAt,
                closedAt, expiresAt, announcedAt, announcedFingerprint, recoveryDue, lastRepeatAt, repeats, escalationDue,
                escalatedAt, by, via, at);
    }
}
