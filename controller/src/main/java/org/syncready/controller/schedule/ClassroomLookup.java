package org.syncready.controller.schedule;

import java.util.List;
import java.util.Locale;

/**
 * How a timetable import finds a classroom from what a person typed into a calendar program: its id,
 * its Chinese or English name, or its school's name together with it ("河西镇中心小学 三年级1班").
 * Answers every classroom that matches: none (not a classroom, e.g. a teacher invited to the event),
 * one, or several (a name two schools share: the import asks for the school too).
 */
@FunctionalInterface
public interface ClassroomLookup {
    List<String> find(String text);

    /** Ids only: what the CSV import and the X-SYNCREADY-* properties were written with. */
    static ClassroomLookup idsOnly(java.util.function.Predicate<String> exists) {
        return text -> text != null && exists.test(text.strip()) ? List.of(text.strip()) : List.of();
    }

    /**
     * The form names are compared in: letters and digits only, lower case, so "河西镇中心小学-三年级1班",
     * "河西镇中心小学 三年级1班" and "Grade 3 Class 1" vs "grade 3 class 1" compare equal.
     */
    static String key(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(Character::isLetterOrDigit).forEach(cp -> out.appendCodePoint(Character.toLowerCase(cp)));
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
