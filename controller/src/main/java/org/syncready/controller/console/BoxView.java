package org.syncready.controller.console;

import java.util.List;

/**
 * The Box page: the live card (replaced over SSE), what the caller may do, events, incidents and the
 * box's sessions this week.
 *
 * @param canAct the caller may run a self-test and a re-probe (admin, the school's technicians and IT)
 */
public record BoxView(String schoolId, String school, BoxCard card, boolean canAct, List<Event> events, List<IncidentRow> incidents,
                      List<SessionItem> sessions) {

    public record Event(String at, String kind, String detail) {
    }

    public record IncidentRow(String sessionId, String start, String end, String verdictClass, String message) {
    }

    public record SessionItem(String id, String when, String subject, String role, String verdict, String verdictText) {
    }
}
