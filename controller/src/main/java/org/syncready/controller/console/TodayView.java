package org.syncready.controller.console;

import java.util.List;

/**
 * The Today page: every session of the day per school, its verdict and reasons, and per school the
 * rooms ready, at risk, not ready and offline. Texts are already in the user's language.
 *
 * @param nextCheck the next T-30 / T-5 check of the day (HH:mm), null when none is left
 */
public record TodayView(String date, String asOf, String nextCheck, boolean onlyProblems, List<SchoolDay> schools) {

    /**
     * One school's day: the sessions in class now or to come (the next hours after midnight included), then the
     * ones that are over, apart. {@code hidden}: sessions the "only my problems" filter left out.
     */
    public record SchoolDay(String id, String name, int rooms, int ready, int atRisk, int notReady, int unknown, int offline,
                            List<SessionRow> sessions, List<SessionRow> past, int hidden) {
    }

    /**
     * One session as this school sees it: {@code verdict} is the worst of its classrooms in this school.
     *
     * @param state     {@code past}, {@code now} or {@code next}
     * @param checkText when and how it was judged, or that it was not ("not checked", "estimate from live state")
     */
    public record SessionRow(String id, String start, String end, String subject, String teacher, String role,
                             String verdict, String verdictText, String state, String stateText, String checkText,
                             List<RoomRow> rooms) {
    }

    /** One classroom of the session; {@code ours}: in this school (shown with its reasons). */
    public record RoomRow(String classroomId, String classroom, String role, String boxId, String verdict, String verdictText,
                          List<String> reasons, boolean ours) {
    }
}
