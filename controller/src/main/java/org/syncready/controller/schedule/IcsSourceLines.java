package org.syncready.controller.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where things are in the iCalendar text, for error messages: ical4j's model forgets line numbers,
 * so the text is scanned once on its own for where each top-level VEVENT and each of its properties
 * start, and which property a line (of a parse error) belongs to.
 */
final class IcsSourceLines {
    /** Where each top-level VEVENT and its properties start in the file, for error messages. */
    record EventLines(int begin, Map<String, Integer> properties) {
        int line(String property) {
            return properties.getOrDefault(property, begin);
        }
    }

    private final String[] lines;
    private final List<EventLines> events = new ArrayList<>();

    IcsSourceLines(String text) {
        lines = text.split("\r\n|\r|\n", -1);
        int depth = 0;
        Map<String, Integer> current = null;
        int begin = 0;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.startsWith(" ") || l.startsWith("\t")) {
                continue; // folded continuation of the previous line
            }
            String name = name(l);
            if (name.equals("BEGIN")) {
                depth++;
                if (depth == 2 && l.substring(6).strip().equalsIgnoreCase("VEVENT")) {
                    current = new HashMap<>();
                    begin = i + 1;
                }
            } else if (name.equals("END")) {
                if (depth == 2 && current != null) {
                    events.add(new EventLines(begin, current));
                    current = null;
                }
                depth--;
            } else if (current != null && depth == 2) {
                current.putIfAbsent(name, i + 1);
            }
        }
    }

    private static String name(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != ';' && line.charAt(end) != ':') {
            end++;
        }
        return line.substring(0, end).strip().toUpperCase(Locale.ROOT);
    }

    EventLines event(int index) {
        return index < events.size() ? events.get(index) : new EventLines(1, Map.of());
    }

    String propertyAt(int line) {
        if (line < 1 || line > lines.length) {
            return null;
        }
        for (int i = line - 1; i >= 0; i--) {
            if (!lines[i].startsWith(" ") && !lines[i].startsWith("\t")) {
                String n = name(lines[i]);
                return n.isEmpty() ? null : n;
            }
        }
        return null;
    }
}
