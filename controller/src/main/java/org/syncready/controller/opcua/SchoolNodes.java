package org.syncready.controller.opcua;

import static org.syncready.controller.opcua.NodeParts.folderRefs;
import static org.syncready.controller.opcua.NodeParts.forward;

import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.School;

/**
 * The Schools folder: a folder per school, a folder per classroom in it, and each classroom organizing
 * its boxes (the same box nodes DeviceSet holds, so a client can browse by place or by device).
 */
final class SchoolNodes {
    private final FleetNodeIds ids;
    private final NodeParts parts;
    private final FleetRegistry registry;
    private final BrowseIndex index;

    SchoolNodes(FleetNodeIds ids, NodeParts parts, FleetRegistry registry, BrowseIndex index) {
        this.ids = ids;
        this.parts = parts;
        this.registry = registry;
        this.index = index;
    }

    FleetNode node(NodeId id, NodePath p) {
        if (p.size() == 1) {
            return FleetNode.folder(id, parts.qn("Schools"), "学校", "Schools");
        }
        School school = registry.school(p.at(1)).orElse(null);
        if (school == null || p.size() > 3) {
            return null;
        }
        if (p.size() == 2) {
            return FleetNode.folder(id, parts.qn(school.id()), school.nameZh(), school.nameEn());
        }
        Classroom room = registry.classroom(p.at(2)).filter(c -> c.schoolId().equals(school.id())).orElse(null);
        return room == null ? null : FleetNode.folder(id, parts.qn(room.id()), room.nameZh(), room.nameEn());
    }

    void references(List<Reference> out, NodeId id, NodePath p) {
        if (p.size() == 1) {
            folderRefs(out, id, NodeIds.ObjectsFolder);
            registry.schools().forEach(s -> out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.SCHOOLS, s.id()))));
        } else if (p.size() == 2) {
            folderRefs(out, id, ids.of(FleetNodeIds.SCHOOLS));
            index.current().classroomsBySchool().getOrDefault(p.at(1), List.of())
                    .forEach(c -> out.add(forward(id, NodeIds.Organizes, ids.child(id, c))));
        } else {
            folderRefs(out, id, ids.of(FleetNodeIds.SCHOOLS, p.at(1)));
            for (String box : index.current().boxesByClassroom().getOrDefault(p.at(2), List.of())) {
                out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET, box)));
            }
        }
    }
}
