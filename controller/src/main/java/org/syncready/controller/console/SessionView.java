package org.syncready.controller.console;

import java.util.List;

/**
 * The Session page: its classrooms with their verdict, reasons and the data behind them, the checks made
 * (T-30, T-5, on demand, in class), incidents with start and end.
 *
 * @param canCheck the caller may ask for a check now (admin, school IT and technicians of its schools)
 */
public record SessionView(String id, String subject, String teacher, String kind, String date, String start, String end, String state,
                          String stateText, Readiness readiness, List<CheckRow> checks, List<IncidentRow> incidents, boolean canCheck) {

    /** The freshest verdict: overall and per classroom. */
    public record Readiness(String verdict, String verdictText, String checkText, List<Room> rooms) {
    }

    /** One classroom; {@code data} the measured values behind the reasons, "key value" joined. */
    public record Room(String classroomId, String classroom, String school, String role, String boxId, String verdict, String verdictText,
                       List<Why> reasons, String statusAt, String selftest) {
    }

    public record Why(String code, String severity, String text, String data) {
    }

    public record CheckRow(String at, String trigger, String verdict, String verdictText, String rooms) {
    }

    public record IncidentRow(String classroom, String code, String message, String start, String end, boolean open) {
    }
}
