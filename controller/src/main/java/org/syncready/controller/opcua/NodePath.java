package org.syncready.controller.opcua;

import java.util.List;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.schedule.SyncSession;

/**
 * A node id taken apart: its path segments, and the box or session it belongs to when it does. Parsed
 * against the registry and today's sessions on every call, so a node disappears the moment its box or
 * session does.
 */
record NodePath(List<String> seg, Box box, SyncSession session) {
    int size() {
        return seg.size();
    }

    String at(int i) {
        return seg.get(i);
    }

    /** The parsed node, or null when it does not exist (now). */
    static NodePath parse(NodeId id, FleetNodeIds ids, FleetRegistry registry, TodaySessions today) {
        List<String> seg = ids.segments(id);
        if (seg == null) {
            return null;
        }
        switch (seg.get(0)) {
            case FleetNodeIds.DEVICE_SET -> {
                if (seg.size() == 1) {
                    return new NodePath(seg, null, null);
                }
                Box box = registry.box(seg.get(1)).orElse(null);
                return box == null ? null : new NodePath(seg, box, null);
            }
            case FleetNodeIds.SESSIONS -> {
                if (seg.size() <= 2) {
                    return seg.size() == 1 || seg.get(1).equals(FleetNodeIds.TODAY) ? new NodePath(seg, null, null) : null;
                }
                SyncSession s = seg.get(1).equals(FleetNodeIds.TODAY) ? today.session(seg.get(2)) : null;
                return s == null ? null : new NodePath(seg, null, s);
            }
            case FleetNodeIds.SCHOOLS, FleetNodeIds.TYPES -> {
                return new NodePath(seg, null, null);
            }
            default -> {
                return null;
            }
        }
    }

    /** Who sees a node: everyone (folders, types) or the staff of any of these schools. */
    record Scope(Set<String> schools) {
        static final Scope EVERYONE = new Scope(null);

        boolean visibleTo(OpcUaPrincipal who) {
            return schools == null || who.seesAny(schools);
        }

        /**
         * Who sees this node; {@link #EVERYONE} for one that does not exist (refused as unknown elsewhere).
         * Taken from the id alone, without parsing the whole path, because it is asked for every node browsed.
         */
        static Scope of(NodeId id, FleetNodeIds ids, FleetRegistry registry, TodaySessions today) {
            List<String> seg = ids.segments(id);
            if (seg == null || seg.size() < 2) {
                return EVERYONE;
            }
            return switch (seg.get(0)) {
                case FleetNodeIds.DEVICE_SET -> registry.schoolOf(seg.get(1)).map(s -> new Scope(Set.of(s))).orElse(EVERYONE);
                case FleetNodeIds.SCHOOLS -> new Scope(Set.of(seg.get(1)));
                case FleetNodeIds.SESSIONS -> seg.size() >= 3 ? new Scope(today.schoolsOf(seg.get(2))) : EVERYONE;
                default -> EVERYONE;
            };
        }
    }
}
