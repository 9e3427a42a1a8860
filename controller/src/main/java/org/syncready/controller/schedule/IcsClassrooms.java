package org.syncready.controller.schedule;

import static org.syncready.controller.schedule.IcsTimetable.LEAD;
import static org.syncready.controller.schedule.IcsTimetable.REMOTES;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;

/**
 * The classrooms one VEVENT names. X-SYNCREADY-* properties come first (docs/SCHEDULE.md); a plain
 * export of a calendar program (Google Calendar, Outlook) cannot carry them, so what users can set
 * there is read instead: LOCATION for the lead classroom, ATTENDEEs or a {@code 远端:} / {@code Remotes:}
 * line in DESCRIPTION for the remote ones (ids or names), else the defaults chosen at import. Errors go
 * to the event's reader, naming the property they came from.
 */
final class IcsClassrooms {
    /** A line of DESCRIPTION naming the remote classrooms: "远端：河西三年级1班、山北三年级1班" or "Remotes: a, b". */
    private static final Pattern REMOTES_LINE =
            Pattern.compile("^\\s*(?:远端|听讲|Remotes?)\\s*[:：]\\s*(.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern LIST = Pattern.compile("[;；|,，、]");

    private final VEvent event;
    private final ClassroomLookup classrooms;
    private final IcsTimetable.Defaults defaults;
    private final BiConsumer<String, String> errors;

    /** {@code errors} takes (property, message) for each problem found. */
    IcsClassrooms(VEvent event, ClassroomLookup classrooms, IcsTimetable.Defaults defaults, BiConsumer<String, String> errors) {
        this.event = event;
        this.classrooms = classrooms;
        this.defaults = defaults;
        this.errors = errors;
    }

    private void error(String property, String message) {
        errors.accept(property, message);
    }

    private Optional<String> value(String name) {
        return IcsTimetable.value(event, name);
    }

    /**
     * The lead classroom's id: X-SYNCREADY-LEAD, else LOCATION (an id or a name; a location such as
     * "河西镇中心小学 三年级1班, 2楼" is tried whole, then piece by piece), else the import's default.
     * Null (with an error) when none names a classroom.
     */
    String lead(String[] field) {
        if (event.getProperty(LEAD).isPresent()) {
            Optional<String> x = value(LEAD);
            if (x.isEmpty()) {
                error(LEAD, "is empty; every session needs its lead classroom");
                return null;
            }
            String id = one(x.get(), LEAD, true);
            return id == null ? x.get() : id;
        }
        Optional<String> location = value(Property.LOCATION);
        if (location.isPresent()) {
            field[0] = Property.LOCATION;
            List<String> whole = classrooms.find(location.get());
            if (whole.size() == 1) {
                return whole.get(0);
            }
            if (whole.isEmpty()) {
                for (String piece : LIST.split(location.get())) {
                    List<String> found = classrooms.find(piece);
                    if (found.size() == 1) {
                        return found.get(0);
                    }
                    if (found.size() > 1) {
                        return one(piece, Property.LOCATION, true);
                    }
                }
            }
            String id = one(location.get(), Property.LOCATION, true);
            return id == null ? location.get() : id;
        }
        if (defaults.lead() != null) {
            field[0] = "lead";
            return defaults.lead();
        }
        error(Property.LOCATION, "missing; set LOCATION to the lead classroom (its id or name, e.g. 河西镇中心小学 三年级1班),"
                + " add X-SYNCREADY-LEAD, or import with ?lead=CLASSROOM");
        return null;
    }

    /**
     * The remote classrooms as a list of ids for {@link TimetableText#classrooms}: X-SYNCREADY-REMOTES,
     * else the ATTENDEEs that are classrooms (people invited are left out), else a 远端:/Remotes: line
     * of DESCRIPTION, else the import's default. Null (with an error) when nothing names one.
     */
    String remotes(String lead, String[] field) {
        if (event.getProperty(REMOTES).isPresent()) {
            return ids(value(REMOTES).orElse(""), REMOTES);
        }
        List<String> invited = new ArrayList<>();
        for (Property attendee : event.getProperties(Property.ATTENDEE)) {
            String cn = attendee.getParameter(Parameter.CN).map(Parameter::getValue).orElse("");
            String address = attendee.getValue() == null ? "" : attendee.getValue().replaceFirst("(?i)^mailto:", "");
            String local = address.contains("@") ? address.substring(0, address.indexOf('@')) : address;
            for (String candidate : List.of(cn, address, local)) {
                List<String> found = candidate.isBlank() ? List.of() : classrooms.find(candidate);
                if (found.size() == 1) {
                    if (!found.get(0).equals(lead) && !invited.contains(found.get(0))) {
                        invited.add(found.get(0));
                    }
                    break;
                }
            }
        }
        if (!invited.isEmpty()) {
            field[0] = Property.ATTENDEE;
            return String.join(";", invited);
        }
        Optional<String> line = value(Property.DESCRIPTION).flatMap(IcsClassrooms::remotesLine);
        if (line.isPresent()) {
            field[0] = Property.DESCRIPTION;
            return ids(line.get(), Property.DESCRIPTION);
        }
        if (!defaults.remotes().isEmpty()) {
            field[0] = "remotes";
            return String.join(";", defaults.remotes());
        }
        error(REMOTES, "no remote classroom: invite the remote classrooms to the event (ATTENDEE), add a line "
                + "'远端: 班级, 班级' (or 'Remotes: ...') to the description, add X-SYNCREADY-REMOTES, or import with ?remotes=ID,ID");
        return null;
    }

    /** Each piece of a list resolved to its classroom id; pieces that name none are kept for the error. */
    private String ids(String list, String property) {
        List<String> out = new ArrayList<>();
        for (String piece : LIST.split(list)) {
            if (!piece.isBlank()) {
                String id = one(piece, property, false);
                out.add(id == null ? piece.strip() : id);
            }
        }
        return String.join(";", out);
    }

    /** The one classroom a text names; an ambiguous name is an error naming the candidates. */
    private String one(String text, String property, boolean report) {
        List<String> found = classrooms.find(text);
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.size() > 1) {
            error(property, "'" + text.strip() + "' names " + found.size() + " classrooms " + found
                    + "; give the school's name with it, or the classroom id");
            return null;
        }
        if (report) {
            error(property, "unknown classroom '" + text.strip() + "'" + (property.equals(Property.LOCATION)
                    ? " (LOCATION names the lead classroom: its id, or its name with or without the school's)" : ""));
        }
        return null;
    }

    /**
     * The classrooms after "远端:" (or "Remotes:") on a line of a description; calendar programs that
     * keep descriptions as HTML (Google Calendar's web editor) have their line breaks as tags.
     */
    static Optional<String> remotesLine(String description) {
        String text = description.replaceAll("(?i)<br\\s*/?>|</p>|</div>|</li>", "\n").replaceAll("<[^>]*>", "")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        for (String line : text.split("\\r?\\n")) {
            Matcher m = REMOTES_LINE.matcher(line);
            if (m.matches() && !m.group(1).isBlank()) {
                return Optional.of(m.group(1).strip());
            }
        }
        return Optional.empty();
    }
}
