package org.syncready.controller.opcua;

import java.util.List;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;

/**
 * The variables each node kind has, a table per kind, and the names of a box's sub-objects. Nodes,
 * references and values are all checked against these tables, so a name missing here is a node that
 * does not exist (docs/OPCUA.md has the tree).
 */
final class NodeVariables {
    static final String CAMERAS = "Cameras";
    static final String MICROPHONES = "Microphones";
    static final String EQUIPMENT = "Equipment";
    static final String NETWORK = "Network";
    static final String SYSTEM = "System";
    static final String IDENTIFICATION = "Identification";

    /** A variable of a node kind: name, data type, rank, and whether it is a property (HasProperty) or a component. */
    record Var(String name, NodeId dataType, int rank, boolean property) {
        static Var prop(String name, NodeId type) {
            return new Var(name, type, FleetNode.SCALAR, true);
        }

        static Var comp(String name, NodeId type) {
            return new Var(name, type, FleetNode.SCALAR, false);
        }

        static Var array(String name, NodeId type, boolean property) {
            return new Var(name, type, FleetNode.ARRAY, property);
        }
    }

    /** DI's identification properties, organized by the box's Identification group too. */
    static final List<Var> IDENTITY = List.of(Var.prop("Model", NodeIds.String), Var.prop("SerialNumber", NodeIds.String),
            Var.prop("SoftwareRevision", NodeIds.String), Var.prop("DeviceRevision", NodeIds.String));
    static final List<Var> BOX = List.of(Var.prop("Model", NodeIds.String), Var.prop("SerialNumber", NodeIds.String),
            Var.prop("SoftwareRevision", NodeIds.String), Var.prop("DeviceRevision", NodeIds.String),
            Var.prop("School", NodeIds.String), Var.prop("Classroom", NodeIds.String),
            Var.comp("DeviceHealth", null), Var.comp("Online", NodeIds.Boolean), Var.comp("LastSeen", NodeIds.DateTime),
            Var.array("Problems", NodeIds.String, false));
    static final List<Var> CAMERA = List.of(Var.comp("Role", NodeIds.String), Var.comp("Kind", NodeIds.String),
            Var.comp("State", NodeIds.String), Var.comp("Width", NodeIds.Int32), Var.comp("Height", NodeIds.Int32),
            Var.comp("Fps", NodeIds.Double), Var.comp("BitrateKbps", NodeIds.Int32), Var.comp("Frozen", NodeIds.Boolean),
            Var.comp("Error", NodeIds.String));
    static final List<Var> MICROPHONE = List.of(Var.comp("Role", NodeIds.String), Var.comp("State", NodeIds.String),
            Var.comp("LevelDbfs", NodeIds.Double), Var.comp("PeakDbfs", NodeIds.Double), Var.comp("Muted", NodeIds.Boolean),
            Var.comp("Clipping", NodeIds.Boolean), Var.comp("Error", NodeIds.String));
    static final List<Var> NETWORK_VARS = List.of(Var.comp("Link", NodeIds.String), Var.comp("Iface", NodeIds.String),
            Var.comp("RttMs", NodeIds.Double), Var.comp("JitterMs", NodeIds.Double), Var.comp("LossPct", NodeIds.Double),
            Var.comp("UplinkKbps", NodeIds.Int32), Var.comp("NtpOffsetMs", NodeIds.Double));
    static final List<Var> SYSTEM_VARS = List.of(Var.comp("CpuPct", NodeIds.Double), Var.comp("MemPct", NodeIds.Double),
            Var.comp("DiskFreeMb", NodeIds.Int64), Var.comp("TempC", NodeIds.Double), Var.comp("UptimeS", NodeIds.Int64));
    static final List<Var> EQUIPMENT_VARS = List.of(Var.comp("Role", NodeIds.String), Var.comp("State", NodeIds.String),
            Var.comp("Value", NodeIds.BaseDataType), Var.comp("Expected", NodeIds.String), Var.comp("Unit", NodeIds.String),
            Var.comp("Error", NodeIds.String));
    static final List<Var> SESSION = List.of(Var.prop("Start", NodeIds.DateTime), Var.prop("End", NodeIds.DateTime),
            Var.prop("Kind", NodeIds.String), Var.prop("Subject", NodeIds.String), Var.prop("Teacher", NodeIds.String),
            Var.prop("LeadClassroom", NodeIds.String), Var.array("RemoteClassrooms", NodeIds.String, true),
            Var.comp("Verdict", NodeIds.String), Var.array("ReasonsEn", NodeIds.String, false),
            Var.array("ReasonsZh", NodeIds.String, false), Var.comp("CheckedAt", NodeIds.DateTime),
            Var.comp("Trigger", NodeIds.String));

    private NodeVariables() {
    }

    /** The variables of a camera, microphone or equipment item under this box folder; null for any other folder. */
    static List<Var> componentVars(String folder) {
        return switch (folder) {
            case CAMERAS -> CAMERA;
            case MICROPHONES -> MICROPHONE;
            case EQUIPMENT -> EQUIPMENT_VARS;
            default -> null;
        };
    }

    static Var find(List<Var> vars, String name) {
        for (Var v : vars) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }
}
