package org.syncready.controller.schedule;

import java.util.List;
import java.util.Map;

/**
 * Where the schedule keeps sync sessions ({@link SessionStore}) and term calendars ({@link TermStore}),
 * which hold them in memory. Implemented in the store package (SQLite) and by an in-memory fake in
 * the tests. Every method blocks; a failure of the store is thrown unchecked.
 */
public interface ScheduleStore {

    /** Every stored session, each with its remote classrooms in their order. */
    List<SyncSession> sessions();

    /**
     * Stores new sessions and replaces stored ones of the same id, in one transaction: all of them or
     * none (a timetable import is all or nothing).
     */
    void saveSessions(List<SyncSession> created, List<SyncSession> replaced);

    void deleteSession(String id);

    /** Every stored term calendar, as its JSON form ({@link TermCalendar#toJson}), by id. */
    Map<String, String> terms();

    /** Creates or replaces a term calendar's JSON form. */
    void putTerm(String id, String json);
}
