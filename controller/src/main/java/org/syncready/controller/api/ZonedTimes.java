package org.syncready.controller.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Times as schools write them: an instant ({@code 2026-09-01T00:00:00Z}), a time with offset
 * ({@code 2026-09-01T08:00+08:00}), a local time or a date, both read in the bureau's time zone.
 */
record ZonedTimes(ZoneId zone) {
    Instant parse(String value, String field) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(value).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + field + "' must be a date (2026-09-01), a local time (2026-09-01T08:00)"
                    + " in " + zone + ", or a time with offset (2026-09-01T08:00+08:00); was '" + value + "'");
        }
    }

    LocalDate date(String value, String field) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("'" + field + "' must be a date such as 2026-09-01, was '" + value + "'");
        }
    }

    String format(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, zone).toString();
    }
}
