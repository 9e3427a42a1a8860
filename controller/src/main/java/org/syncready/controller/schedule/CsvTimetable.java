package org.syncready.controller.schedule;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the timetable CSV a school exports from its spreadsheet (columns in docs/SCHEDULE.md) and lays
 * its weekly rows over a {@link TermCalendar}. Nothing is stored here: the caller gets every session
 * occurrence the valid rows describe and an error for every bad row, and decides what to import.
 * Stateless and thread-safe; the work grows with the file, so call it off the event loop.
 */
public final class CsvTimetable {
    /** A term's timetable is a few hundred rows; the bound keeps a wrong file from exhausting memory. */
    public static final int MAX_ROWS = 20_000;

    private static final Pattern PERIOD = Pattern.compile("(\\d{1,2})(?:\\s*[-~–—至]\\s*(\\d{1,2}))?");

    /** The columns; the first alias is the canonical English name used in docs. */
    private enum Column {
        WEEKDAY("weekday", "day", "day_of_week", "星期", "星期几", "周几"),
        DATE("date", "日期"),
        PERIOD("period", "节次", "节"),
        START("start", "start_time", "开始", "开始时间"),
        END("end", "end_time", "结束", "结束时间"),
        SUBJECT("subject", "科目", "学科", "课程"),
        TEACHER("teacher", "教师", "老师", "授课教师", "主讲教师"),
        KIND("kind", "type", "类型", "课堂类型", "形式"),
        LEAD("lead_classroom", "lead", "主讲教室", "主讲课堂"),
        REMOTES("remote_classrooms", "remotes", "听课教室", "听讲教室", "远端教室", "接收教室");

        final List<String> aliases;

        Column(String... aliases) {
            this.aliases = List.of(aliases);
        }

        String canonical() {
            return aliases.get(0);
        }

        String describe() {
            return aliases.get(0) + "/" + aliases.stream().filter(a -> a.codePointAt(0) > 127).findFirst().orElse("");
        }
    }

    private static final Map<String, Column> BY_ALIAS = new HashMap<>();

    static {
        for (Column c : Column.values()) {
            for (String a : c.aliases) {
                BY_ALIAS.put(a, c);
            }
        }
    }

    private CsvTimetable() {
    }

    /**
     * Reads {@code content} (UTF-8 with or without BOM, or GBK/GB18030) and expands it over {@code term}.
     * {@code classroomExists} tells which classroom ids the caller knows; others are errors.
     */
    public static ImportResult read(byte[] content, TermCalendar term, Predicate<String> classroomExists) {
        String text = TimetableText.decode(content);
        ImportErrors errors = new ImportErrors();
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(new StringReader(text), format(text))) {
            Iterator<CSVRecord> it = parser.iterator();
            if (!it.hasNext()) {
                return new ImportResult(List.of(), List.of(new ImportError(1, null, "the file is empty; expected a header line")));
            }
            Map<Column, Integer> index = new EnumMap<>(Column.class);
            Map<Column, String> header = new EnumMap<>(Column.class);
            readHeader(it.next(), index, header, errors);
            if (!errors.isEmpty()) {
                return errors.result(List.of());
            }
            long lineBefore = parser.getCurrentLineNumber();
            while (it.hasNext()) {
                CSVRecord record = it.next();
                // Quoted values may span lines, so the record starts right after where the previous one ended.
                int line = (int) lineBefore + 1;
                lineBefore = parser.getCurrentLineNumber();
                if (isBlank(record)) {
                    continue;
                }
                if (rows.size() >= MAX_ROWS) {
                    errors.add(new ImportError(line, null, "more than " + MAX_ROWS + " rows; split the file"));
                    break;
                }
                Row row = readRow(line, record, index, header, term, classroomExists, errors);
                if (row != null) {
                    rows.add(row);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // Commons CSV reports an unterminated quote this way; its message carries the line.
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            String message = String.valueOf(cause.getMessage());
            errors.add(new ImportError(Math.max(1, lineOf(message)), null, message.contains("EOF reached before encapsulated")
                    ? "unreadable CSV: a quoted value starting on this line is never closed (a \" is missing)"
                    : "unreadable CSV: " + message));
            return errors.result(List.of());
        }
        List<SessionDraft> drafts = Occurrences.withoutConflicts(expand(rows, term), term.zone(), errors);
        return errors.result(drafts);
    }

    private static CSVFormat format(String text) {
        int eol = text.indexOf('\n');
        String first = eol < 0 ? text : text.substring(0, eol);
        // Excel's "Unicode text" export is tab-separated; a header line with tabs and no commas is that.
        char delimiter = first.indexOf(',') < 0 && first.indexOf('\t') >= 0 ? '\t' : ',';
        return CSVFormat.DEFAULT.builder()
                .setDelimiter(delimiter)
                .setIgnoreEmptyLines(false)
                .setTrim(true)
                .get();
    }

    private static int lineOf(String message) {
        Matcher m = Pattern.compile("line (\\d+)").matcher(message == null ? "" : message);
        return m.find() ? Integer.parseInt(m.group(1)) : 1;
    }

    // ---- header ----

    private static void readHeader(CSVRecord record, Map<Column, Integer> index, Map<Column, String> header,
                                   ImportErrors errors) {
        for (int i = 0; i < record.size(); i++) {
            String raw = record.get(i);
            Column c = BY_ALIAS.get(normalize(raw));
            if (c == null) {
                continue; // schools keep extra columns (班级, 备注...); they are documented as ignored
            }
            if (index.containsKey(c)) {
                errors.add(new ImportError(1, raw, "column " + c.describe() + " appears twice (\"" + header.get(c)
                        + "\" and \"" + raw + "\")"));
                continue;
            }
            index.put(c, i);
            header.put(c, raw.strip());
        }
        for (Column required : List.of(Column.SUBJECT, Column.LEAD, Column.REMOTES)) {
            if (!index.containsKey(required)) {
                errors.add(new ImportError(1, required.describe(), "missing column " + required.describe()));
            }
        }
        if (!index.containsKey(Column.WEEKDAY) && !index.containsKey(Column.DATE)) {
            errors.add(new ImportError(1, Column.WEEKDAY.describe(), "missing column: need " + Column.WEEKDAY.describe()
                    + " (weekly rows) or " + Column.DATE.describe() + " (one-off rows)"));
        }
        boolean times = index.containsKey(Column.START) && index.containsKey(Column.END);
        if (!index.containsKey(Column.PERIOD) && !times) {
            String missing = index.containsKey(Column.START) ? Column.END.describe()
                    : index.containsKey(Column.END) ? Column.START.describe() : Column.PERIOD.describe();
            errors.add(new ImportError(1, missing, "missing column: need " + Column.PERIOD.describe() + " or both "
                    + Column.START.describe() + " and " + Column.END.describe()));
        }
    }

    private static String normalize(String header) {
        // Templates mark required columns with a star and add hints: "*主讲教室", "开始（HH:mm）", "Start time (hh:mm)".
        String h = header.replace('（', '(').replace('）', ')').replaceAll("\\s*\\(.*\\)\\s*$", "")
                .replace("*", "").strip();
        return h.toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    }

    // ---- rows ----

    /** One valid row: either weekly ({@code weekday}) or one-off ({@code date}). */
    private record Row(int line, DayOfWeek weekday, LocalDate date, LocalTime start, LocalTime end, String subject,
                       String teacher, SessionKind kind, String lead, List<String> remotes, String leadField,
                       String remotesField) {
    }

    private static Row readRow(int line, CSVRecord record, Map<Column, Integer> index, Map<Column, String> header,
                               TermCalendar term, Predicate<String> classroomExists, ImportErrors errors) {
        int before = errors.count();
        Cells cells = new Cells(line, record, index, header, errors);

        String weekdayText = cells.get(Column.WEEKDAY);
        String dateText = cells.get(Column.DATE);
        DayOfWeek weekday = null;
        LocalDate date = null;
        if (weekdayText.isEmpty() && dateText.isEmpty()) {
            cells.error(index.containsKey(Column.WEEKDAY) ? Column.WEEKDAY : Column.DATE,
                    "is empty; give a weekday (weekly row) or a date (one-off row)");
        } else if (!weekdayText.isEmpty() && !dateText.isEmpty()) {
            cells.error(Column.DATE, "give a weekday or a date, not both");
        } else if (!weekdayText.isEmpty()) {
            weekday = TimetableText.weekday(weekdayText).orElse(null);
            if (weekday == null) {
                cells.error(Column.WEEKDAY, "'" + weekdayText + "' is not a weekday (1-7, Mon..Sun, 周一..周日)");
            }
        } else {
            date = TimetableText.date(dateText);
            if (date == null) {
                cells.error(Column.DATE, "'" + dateText + "' is not a date (yyyy-MM-dd)");
            } else if (date.isBefore(term.firstDay()) || date.isAfter(term.lastDay())) {
                cells.error(Column.DATE, date + " is outside the term " + term.firstDay() + ".." + term.lastDay());
            } else if (term.holidays().contains(date)) {
                cells.error(Column.DATE, date + " is a holiday in term " + term.id());
            }
        }

        LocalTime[] times = times(cells, term);

        String subject = cells.get(Column.SUBJECT);
        if (subject.isEmpty()) {
            cells.error(Column.SUBJECT, "is empty");
        }
        String teacher = cells.get(Column.TEACHER);
        String kindText = cells.get(Column.KIND);
        SessionKind kind = kindText.isEmpty() ? SessionKind.LIVE : SessionKind.parse(kindText).orElse(null);
        if (kind == null) {
            cells.error(Column.KIND, "'" + kindText + "' is not a session kind (live/直播, recorded/录播, embedded/植入式)");
        }

        String lead = cells.get(Column.LEAD);
        List<String> remotes = TimetableText.classrooms(lead, cells.get(Column.REMOTES), classroomExists,
                (aboutLead, message) -> cells.error(aboutLead ? Column.LEAD : Column.REMOTES, message));
        if (errors.count() > before) {
            return null;
        }
        return new Row(line, weekday, date, times[0], times[1], subject, teacher.isEmpty() ? null : teacher, kind,
                lead, remotes, header.get(Column.LEAD), header.get(Column.REMOTES));
    }

    /** Start and end of the row from its period (or period range "3-4") and/or its explicit times. */
    private static LocalTime[] times(Cells cells, TermCalendar term) {
        String periodText = cells.get(Column.PERIOD);
        String startText = cells.get(Column.START);
        String endText = cells.get(Column.END);
        LocalTime start = null;
        LocalTime end = null;
        boolean timesOk = true;
        if (!startText.isEmpty()) {
            start = TimetableText.time(startText);
            if (start == null) {
                cells.error(Column.START, "'" + startText + "' is not a time (HH:mm)");
                timesOk = false;
            }
        }
        if (!endText.isEmpty()) {
            end = TimetableText.time(endText);
            if (end == null) {
                cells.error(Column.END, "'" + endText + "' is not a time (HH:mm)");
                timesOk = false;
            }
        }
        if (!periodText.isEmpty()) {
            Matcher m = PERIOD.matcher(periodText.strip());
            if (!m.matches()) {
                cells.error(Column.PERIOD, "'" + periodText + "' is not a period number (e.g. 3, or 3-4 for a double period)");
                return new LocalTime[2];
            }
            int from = Integer.parseInt(m.group(1));
            int to = m.group(2) == null ? from : Integer.parseInt(m.group(2));
            Optional<TermCalendar.PeriodTime> first = term.period(from);
            Optional<TermCalendar.PeriodTime> last = term.period(to);
            if (first.isEmpty() || last.isEmpty() || to < from) {
                cells.error(Column.PERIOD, "period " + periodText + " is not in term " + term.id() + " (periods "
                        + (term.periods().isEmpty() ? "none" : term.periods().firstKey() + "-" + term.periods().lastKey()) + ")");
                return new LocalTime[2];
            }
            LocalTime ps = first.get().start();
            LocalTime pe = last.get().end();
            if (timesOk && (start != null && !start.equals(ps) || end != null && !end.equals(pe))) {
                cells.error(start != null && !start.equals(ps) ? Column.START : Column.END, "times " + startText + "–" + endText
                        + " differ from period " + periodText + " (" + ps + "–" + pe + ") in term " + term.id()
                        + "; give one or the other");
                return new LocalTime[2];
            }
            return new LocalTime[] {ps, pe};
        }
        if (startText.isEmpty() || endText.isEmpty()) {
            Column missing = startText.isEmpty() ? Column.START : Column.END;
            if (cells.has(missing) || !cells.has(Column.PERIOD)) {
                cells.error(missing, "is empty; give a period or both start and end");
            } else {
                cells.error(Column.PERIOD, "is empty; give a period or both start and end");
            }
            return new LocalTime[2];
        }
        if (timesOk && !end.isAfter(start)) {
            cells.error(Column.END, end + " is not after start " + start);
        }
        return new LocalTime[] {start, end};
    }

    private static List<Occurrences.Tagged> expand(List<Row> rows, TermCalendar term) {
        List<Occurrences.Tagged> drafts = new ArrayList<>();
        Map<DayOfWeek, List<LocalDate>> dates = new EnumMap<>(DayOfWeek.class);
        for (Row row : rows) {
            List<LocalDate> on = row.date() != null ? List.of(row.date())
                    : dates.computeIfAbsent(row.weekday(), term::teachingDates);
            // One source text per row, not per occurrence: a term's rows expand twentyfold.
            String source = "line " + row.line();
            for (LocalDate d : on) {
                drafts.add(new Occurrences.Tagged(new SessionDraft(row.lead(), row.remotes(), row.subject(),
                        row.teacher(), row.kind(),
                        d.atTime(row.start()).atZone(term.zone()).toInstant(),
                        d.atTime(row.end()).atZone(term.zone()).toInstant(),
                        source), row.line(), row.leadField(), row.remotesField()));
            }
        }
        return drafts;
    }

    private static boolean isBlank(CSVRecord record) {
        for (String v : record) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** The cells of one record by column, and errors named by the header as the file writes it. */
    private static final class Cells {
        private final int line;
        private final CSVRecord record;
        private final Map<Column, Integer> index;
        private final Map<Column, String> header;
        private final ImportErrors errors;

        Cells(int line, CSVRecord record, Map<Column, Integer> index, Map<Column, String> header, ImportErrors errors) {
            this.line = line;
            this.record = record;
            this.index = index;
            this.header = header;
            this.errors = errors;
        }

        boolean has(Column c) {
            return index.containsKey(c);
        }

        String get(Column c) {
            Integer i = index.get(c);
            // A short row (trailing empty cells cut off by the exporter) reads as empty cells.
            return i == null || i >= record.size() || record.get(i) == null ? "" : record.get(i).strip();
        }

        void error(Column c, String message) {
            errors.add(new ImportError(line, header.getOrDefault(c, c.canonical()), message));
        }
    }
}
