package org.syncready.controller.console.tasks;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Instants as the bureau reads them: dates and clock times in its zone (the pages' only time format). */
record Times(ZoneId zone) {
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DATE_TIME_S = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    String dateTime(Instant at) {
        return at == null ? "" : DATE_TIME.format(at.atZone(zone));
    }

    String dateTimeSeconds(Instant at) {
        return at == null ? "" : DATE_TIME_S.format(at.atZone(zone));
    }

    /** An ISO-8601 instant as the API writes it ({@code 2026-11-24T07:07:17.256Z}); empty for null, as given if unreadable. */
    String dateTime(String isoInstant) {
        if (isoInstant == null) {
            return "";
        }
        try {
            return dateTimeSeconds(Instant.parse(isoInstant));
        } catch (DateTimeParseException e) {
            return isoInstant;
        }
    }

    String time(Instant at) {
        return at == null ? "" : HM.format(at.atZone(zone));
    }

    LocalDate date(Instant at) {
        return at.atZone(zone).toLocalDate();
    }

    Instant startOf(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }

    /** A date a form sent ({@code yyyy-MM-dd}); null when blank or not a date. */
    static LocalDate parseDate(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
