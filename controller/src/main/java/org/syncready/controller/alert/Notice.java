package org.syncready.controller.alert;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * What one school is told after one check: every problem of the school that is new, changed, still
 * unacknowledged (a reminder) or over, in one message. Stored once, then sent to each channel that
 * takes it; its id is what an acknowledgement names.
 *
 * @param schoolId null for a bureau-wide notice (a rollout, a test message)
 * @param trigger  {@code T-30}, {@code T-5}, {@code on-demand}, {@code repeat}, {@code in-class},
 *                 {@code offline}, {@code rollout} or {@code test}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(long id, AlertTopic topic, String schoolId, String schoolZh, String schoolEn, String trigger, Instant at,
                     List<Item> items) {

    public Notice {
        items = List.copyOf(items);
    }

    public Notice withId(long newId) {
        return new Notice(newId, topic, schoolId, schoolZh, schoolEn, trigger, at, items);
    }

    /** True when some problem in it is still open (an acknowledgement means something). */
    public boolean hasOpenProblems() {
        return items.stream().anyMatch(i -> i.change() != Change.RECOVERED);
    }

    /** What happened to a problem since the school was last told. */
    public enum Change {
        NEW, CHANGED, REPEAT, RECOVERED, ESCALATED
    }

    /**
     * One problem as the notice tells it.
     *
     * @param verdict  NOT_READY, AT_RISK, UNKNOWN for readiness; the rollout state for rollouts
     * @param findings each reason in both languages
     * @param since    when the problem started (incidents, offline boxes)
     * @param detailZh a sentence of its own (a rollout's reason, an offline box's next class)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Item(String problemKey, Change change, AlertLevel level, String classroomId, String classroomZh,
                       String classroomEn, String boxId, String sessionId, String subject, Instant sessionStart,
                       String leadZh, String leadEn, String verdict, List<Finding> findings, Instant since, Instant until,
                       String ackedBy, String detailZh, String detailEn) {
        public Item {
            findings = findings == null ? List.of() : List.copyOf(findings);
        }

        public Item with(Change c) {
            return new Item(problemKey, c, level, classroomId, classroomZh, classroomEn, boxId, sessionId, subject, sessionStart,
                    leadZh, leadEn, verdict, findings, since, until, ackedBy, detailZh, detailEn);
        }

        public Item closedAt(Instant end) {
            return new Item(problemKey, change, level, classroomId, classroomZh, classroomEn, boxId, sessionId, subject, sessionStart,
                    leadZh, leadEn, verdict, findings, since, end, ackedBy, detailZh, detailEn);
        }

        public Item ackedBy(String by) {
            return new Item(problemKey, change, level, classroomId, classroomZh, classroomEn, boxId, sessionId, subject, sessionStart,
                    leadZh, leadEn, verdict, findings, since, until, by, detailZh, detailEn);
        }
    }

    /** One reason: its code and a sentence in each language. */
    public record Finding(String code, String zh, String en) {
    }
}
