/**
 * Sync sessions and the timetable they come from: the session model, term calendars (holidays and
 * make-up days), CSV and iCalendar import, and the session store. Readiness reads sessions from here.
 */
package org.syncready.controller.schedule;
