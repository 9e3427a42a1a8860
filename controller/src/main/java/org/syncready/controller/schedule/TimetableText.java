package org.syncready.controller.schedule;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How school timetables write weekdays, dates and times, read leniently but never guessed:
 * weekdays as 1–7 (Monday = 1), English names or 周一/星期一/礼拜一; dates as 2026-09-01 or the
 * 2026/9/1 that Excel in zh-CN writes; times as 8:00, 08:00 or 08:00:00, with ASCII or full-width colon.
 */
final class TimetableText {
    private static final Map<String, DayOfWeek> NAMES = Map.ofEntries(
            Map.entry("mon", DayOfWeek.MONDAY), Map.entry("monday", DayOfWeek.MONDAY),
            Map.entry("tue", DayOfWeek.TUESDAY), Map.entry("tues", DayOfWeek.TUESDAY), Map.entry("tuesday", DayOfWeek.TUESDAY),
            Map.entry("wed", DayOfWeek.WEDNESDAY), Map.entry("wednesday", DayOfWeek.WEDNESDAY),
            Map.entry("thu", DayOfWeek.THURSDAY), Map.entry("thur", DayOfWeek.THURSDAY), Map.entry("thurs", DayOfWeek.THURSDAY),
            Map.entry("thursday", DayOfWeek.THURSDAY),
            Map.entry("fri", DayOfWeek.FRIDAY), Map.entry("friday", DayOfWeek.FRIDAY),
            Map.entry("sat", DayOfWeek.SATURDAY), Map.entry("saturday", DayOfWeek.SATURDAY),
            Map.entry("sun", DayOfWeek.SUNDAY), Map.entry("sunday", DayOfWeek.SUNDAY));
    private static final Pattern DATE = Pattern.compile("(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})");
    private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})(?::(\\d{2}))?");
    private static final Pattern LIST_SEPARATORS = Pattern.compile("[;；|,，、]");
    private static final String CHINESE_DIGITS = "一二三四五六日";

    private static final Charset GB18030 = Charset.forName("GB18030");

    private TimetableText() {
    }

    /**
     * Strict UTF-8 first (BOM dropped); Excel in zh-CN saves GBK, which GB18030 decodes as a superset.
     * A UTF-16 BOM (Excel's "Unicode text" export) selects UTF-16.
     */
    static String decode(byte[] content) {
        if (content.length >= 2 && ((content[0] & 0xFF) == 0xFF && (content[1] & 0xFF) == 0xFE
                || (content[0] & 0xFF) == 0xFE && (content[1] & 0xFF) == 0xFF)) {
            return new String(content, StandardCharsets.UTF_16); // reads and drops the BOM
        }
        int offset = content.length >= 3 && (content[0] & 0xFF) == 0xEF && (content[1] & 0xFF) == 0xBB
                && (content[2] & 0xFF) == 0xBF ? 3 : 0;
        ByteBuffer bytes = ByteBuffer.wrap(content, offset, content.length - offset);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes).toString();
        } catch (CharacterCodingException e) {
            return GB18030.decode(ByteBuffer.wrap(content)).toString();
        }
    }

    static Optional<DayOfWeek> weekday(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.length() == 1 && t.charAt(0) >= '1' && t.charAt(0) <= '7') {
            return Optional.of(DayOfWeek.of(t.charAt(0) - '0'));
        }
        DayOfWeek named = NAMES.get(t);
        if (named != null) {
            return Optional.of(named);
        }
        for (String prefix : new String[] {"星期", "礼拜", "周"}) {
            if (t.startsWith(prefix) && t.length() == prefix.length() + 1) {
                char c = t.charAt(prefix.length());
                int i = CHINESE_DIGITS.indexOf(c);
                if (c == '天') {
                    i = 6;
                }
                if (i >= 0) {
                    return Optional.of(DayOfWeek.of(i + 1));
                }
            }
        }
        return Optional.empty();
    }

    /** The JSON and docs spelling: lower-case English name. */
    static String label(DayOfWeek day) {
        return day.name().toLowerCase(Locale.ROOT);
    }

    /** A date, or null when the text is not one (including impossible dates such as 2026-02-30). */
    static LocalDate date(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = DATE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** A time of day, or null when the text is not one. */
    static LocalTime time(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TIME.matcher(text.strip().replace('：', ':'));
        if (!m.matches()) {
            return null;
        }
        try {
            return LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * The remote classrooms of a session from one text value: ids separated by ; ； | , ， or 、. Reports
     * through {@code error} (true = about the lead) a missing or unknown lead, an unknown or repeated
     * remote, the lead listed as remote, and an empty list.
     */
    static List<String> classrooms(String lead, String remotesText, Predicate<String> exists,
                                   BiConsumer<Boolean, String> error) {
        if (lead == null || lead.isBlank()) {
            error.accept(true, "is empty; every session needs its lead classroom");
        } else if (!exists.test(lead)) {
            error.accept(true, "unknown classroom '" + lead + "'");
        }
        Set<String> remotes = new LinkedHashSet<>();
        for (String piece : LIST_SEPARATORS.split(remotesText == null ? "" : remotesText)) {
            String r = piece.strip();
            if (r.isEmpty()) {
                continue;
            }
            if (r.equals(lead)) {
                error.accept(false, "'" + r + "' is the lead classroom; it cannot also be a remote one");
            } else if (!remotes.add(r)) {
                error.accept(false, "'" + r + "' is listed twice");
            } else if (!exists.test(r)) {
                error.accept(false, "unknown classroom '" + r + "'");
            }
        }
        if (remotesText == null || remotesText.isBlank()) {
            error.accept(false, "is empty; list the remote classrooms separated by ; or |");
        }
        return List.copyOf(remotes);
    }
}
