package org.syncready.controller.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A [from, to) window from query parameters: ISO-8601 instants or epoch milliseconds. */
record TimeRange(long from, long to) {
    static final long MAX_SPAN_MS = 31L * 24 * 3600 * 1000;

    static TimeRange parse(String from, String to, long now, long defaultSpanMs) {
        long end = to == null ? now : instant(to, "to");
        long start = from == null ? end - defaultSpanMs : instant(from, "from");
        if (start >= end) {
            throw ApiException.badRequest("'from' must be before 'to'");
        }
        if (end - start > MAX_SPAN_MS) {
            throw ApiException.badRequest("the window may span at most 31 days");
        }
        return new TimeRange(start, end);
    }

    private static long instant(String value, String name) {
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 15) {
            return Long.parseLong(value);
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + name + "' must be an ISO-8601 instant such as 2026-09-01T08:00:00Z or epoch milliseconds, was '" + value + "'");
        }
    }
}
