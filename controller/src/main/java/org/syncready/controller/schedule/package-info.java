/**
 * Sync sessions and the timetable they come from: the session model ({@link SessionDraft},
 * {@link SessionKind}), term calendars with holidays and make-up days ({@link TermCalendar}), and
 * timetable import from CSV ({@link CsvTimetable}) and iCalendar ({@link IcsTimetable}), which return
 * occurrences plus line- and field-named errors ({@link ImportResult}) and leave storing to the caller.
 * {@link SessionStore} and {@link TermStore} hold sessions and terms in memory and keep them through a
 * {@link ScheduleStore} (implemented in the store package). File formats: docs/SCHEDULE.md. Readiness
 * reads sessions from here.
 */
package org.syncready.controller.schedule;
