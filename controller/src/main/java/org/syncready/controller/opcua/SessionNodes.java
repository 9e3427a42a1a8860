package org.syncready.controller.opcua;

import static org.syncready.controller.opcua.NodeParts.folderRefs;
import static org.syncready.controller.opcua.NodeParts.forward;
import static org.syncready.controller.opcua.NodeParts.good;
import static org.syncready.controller.opcua.NodeParts.inverse;
import static org.syncready.controller.opcua.NodeParts.varRefs;
import static org.syncready.controller.opcua.NodeVariables.SESSION;
import static org.syncready.controller.opcua.NodeVariables.find;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.syncready.controller.opcua.NodeVariables.Var;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SyncSession;

/**
 * The Sessions/Today folder: one object per session today, named by subject and time in the school's
 * zone, with the timetable's facts as properties and the latest readiness verdict as components.
 */
final class SessionNodes {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final FleetNodeIds ids;
    private final TypeNodes types;
    private final NodeParts parts;
    private final TodaySessions today;
    private final ZoneId zone;

    SessionNodes(FleetNodeIds ids, TypeNodes types, NodeParts parts, TodaySessions today, ZoneId zone) {
        this.ids = ids;
        this.types = types;
        this.parts = parts;
        this.today = today;
        this.zone = zone;
    }

    FleetNode node(NodeId id, NodePath p) {
        if (p.size() == 1) {
            return FleetNode.folder(id, parts.qn("Sessions"), "课次", "Sessions");
        }
        if (p.size() == 2) {
            return FleetNode.folder(id, parts.qn("Today"), "今日课次", "Today");
        }
        SyncSession s = p.session();
        if (p.size() == 3) {
            String time = HM.format(s.start().atZone(zone)) + "–" + HM.format(s.end().atZone(zone));
            return FleetNode.object(id, parts.qn(s.id()), s.subject() + " " + time, s.subject() + " " + time,
                    types.type(TypeNodes.SESSION_TYPE));
        }
        Var v = p.size() == 4 ? find(SESSION, p.at(3)) : null;
        return v == null ? null : parts.variable(id, v);
    }

    void references(List<Reference> out, NodeId id, NodePath p) {
        if (p.size() == 1) {
            folderRefs(out, id, NodeIds.ObjectsFolder);
            out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.SESSIONS, FleetNodeIds.TODAY)));
        } else if (p.size() == 2) {
            folderRefs(out, id, ids.of(FleetNodeIds.SESSIONS));
            today.sessions().forEach(s -> out.add(forward(id, NodeIds.Organizes, ids.child(id, s.id()))));
        } else if (p.size() == 3) {
            out.add(forward(id, NodeIds.HasTypeDefinition, types.type(TypeNodes.SESSION_TYPE)));
            out.add(inverse(id, NodeIds.Organizes, ids.of(FleetNodeIds.SESSIONS, FleetNodeIds.TODAY)));
            for (Var v : SESSION) {
                out.add(forward(id, v.property() ? NodeIds.HasProperty : NodeIds.HasComponent, ids.child(id, v.name())));
            }
            out.add(forward(id, NodeIds.HasComponent, types.checkSession()));
        } else {
            varRefs(out, id, find(SESSION, p.at(3)), ids.of(FleetNodeIds.SESSIONS, FleetNodeIds.TODAY, p.at(2)));
        }
    }

    /** A session variable's value, stamped with when the verdict was checked; null when {@code name} is no variable. */
    DataValue value(SyncSession s, String name) {
        if (find(SESSION, name) == null) {
            return null;
        }
        SessionReadiness r = today.verdict(s.id());
        Object v = switch (name) {
            case "Start" -> new DateTime(s.start());
            case "End" -> new DateTime(s.end());
            case "Kind" -> String.valueOf(s.kind());
            case "Subject" -> s.subject();
            case "Teacher" -> s.teacher();
            case "LeadClassroom" -> s.leadClassroomId();
            case "RemoteClassrooms" -> s.remoteClassroomIds().toArray(String[]::new);
            case "Verdict" -> r == null ? "UNKNOWN" : r.verdict().name();
            case "ReasonsEn" -> reasons(r, true);
            case "ReasonsZh" -> reasons(r, false);
            case "CheckedAt" -> r == null || r.checkedAt() == null ? null : new DateTime(r.checkedAt());
            case "Trigger" -> r == null ? "not-checked" : r.trigger();
            default -> null;
        };
        return good(v, r == null || r.checkedAt() == null ? null : r.checkedAt().toEpochMilli());
    }

    /** One line per reason: {@code classroom CODE: sentence}. Also CheckSession's output, so both read the same. */
    static String[] reasons(SessionReadiness r, boolean english) {
        if (r == null) {
            return new String[0];
        }
        List<String> out = new ArrayList<>();
        for (ClassroomReadiness c : r.classrooms()) {
            for (Reason reason : c.reasons()) {
                out.add(c.classroomId() + " " + reason.code() + ": " + (english ? reason.en() : reason.zh()));
            }
        }
        return out.toArray(String[]::new);
    }
}
