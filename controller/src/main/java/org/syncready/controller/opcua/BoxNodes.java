package org.syncready.controller.opcua;

import static org.syncready.controller.opcua.NodeParts.folderRefs;
import static org.syncready.controller.opcua.NodeParts.forward;
import static org.syncready.controller.opcua.NodeParts.good;
import static org.syncready.controller.opcua.NodeParts.inverse;
import static org.syncready.controller.opcua.NodeParts.varRefs;
import static org.syncready.controller.opcua.NodeParts.variant;
import static org.syncready.controller.opcua.NodeVariables.BOX;
import static org.syncready.controller.opcua.NodeVariables.CAMERAS;
import static org.syncready.controller.opcua.NodeVariables.EQUIPMENT;
import static org.syncready.controller.opcua.NodeVariables.IDENTIFICATION;
import static org.syncready.controller.opcua.NodeVariables.IDENTITY;
import static org.syncready.controller.opcua.NodeVariables.MICROPHONES;
import static org.syncready.controller.opcua.NodeVariables.NETWORK;
import static org.syncready.controller.opcua.NodeVariables.NETWORK_VARS;
import static org.syncready.controller.opcua.NodeVariables.SYSTEM;
import static org.syncready.controller.opcua.NodeVariables.SYSTEM_VARS;
import static org.syncready.controller.opcua.NodeVariables.componentVars;
import static org.syncready.controller.opcua.NodeVariables.find;

import java.time.Instant;
import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.opcua.NodeVariables.Var;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * The DeviceSet folder and the boxes in it, shaped like OPC UA DI devices: identification properties,
 * DeviceHealth, and sub-objects for cameras, microphones, equipment, network and system. Cameras,
 * microphones and equipment exist while the box's latest status reports them; values come from the
 * live fleet and are {@code Uncertain_LastUsableValue} while the box is offline or stale.
 */
final class BoxNodes {
    private final FleetNodeIds ids;
    private final TypeNodes types;
    private final NodeParts parts;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final ReadinessRules rules;
    private final BrowseIndex index;

    BoxNodes(FleetNodeIds ids, TypeNodes types, NodeParts parts, FleetRegistry registry, LiveFleet fleet,
             ReadinessRules rules, BrowseIndex index) {
        this.ids = ids;
        this.types = types;
        this.parts = parts;
        this.registry = registry;
        this.fleet = fleet;
        this.rules = rules;
        this.index = index;
    }

    // ------------------------------------------------------------------ nodes

    FleetNode node(NodeId id, NodePath p) {
        if (p.size() == 1) {
            return FleetNode.folder(id, parts.qn("DeviceSet"), "录播主机", "DeviceSet");
        }
        Box box = p.box();
        if (p.size() == 2) {
            Classroom room = registry.classroom(box.classroomId()).orElse(null);
            return FleetNode.object(id, parts.qn(box.id()), room == null ? box.id() : room.nameZh(),
                    room == null ? box.id() : room.nameEn(), types.type(TypeNodes.BOX_TYPE));
        }
        String part = p.at(2);
        if (p.size() == 3) {
            Var v = find(BOX, part);
            if (v != null) {
                return parts.variable(id, v);
            }
            return switch (part) {
                case IDENTIFICATION -> parts.object(id, part, NodeIds.FolderType);
                case CAMERAS, MICROPHONES, EQUIPMENT -> parts.object(id, part, NodeIds.FolderType);
                case NETWORK -> parts.object(id, part, types.type(TypeNodes.NETWORK_TYPE));
                case SYSTEM -> parts.object(id, part, types.type(TypeNodes.SYSTEM_TYPE));
                default -> null;
            };
        }
        if (part.equals(NETWORK) || part.equals(SYSTEM)) {
            Var v = p.size() == 4 ? find(part.equals(NETWORK) ? NETWORK_VARS : SYSTEM_VARS, p.at(3)) : null;
            return v == null ? null : parts.variable(id, v);
        }
        List<Var> vars = componentVars(part);
        if (vars == null || p.size() > 5 || component(p) == null) {
            return null;
        }
        if (p.size() == 4) {
            NodeId type = types.type(part.equals(CAMERAS) ? TypeNodes.CAMERA_TYPE
                    : part.equals(MICROPHONES) ? TypeNodes.MICROPHONE_TYPE : TypeNodes.EQUIPMENT_TYPE);
            return parts.object(id, p.at(3), type);
        }
        Var v = find(vars, p.at(4));
        return v == null ? null : parts.variable(id, v);
    }

    // ------------------------------------------------------------------ references

    void references(List<Reference> out, NodeId id, NodePath p) {
        if (p.size() == 1) {
            folderRefs(out, id, NodeIds.ObjectsFolder);
            for (String box : index.current().boxIds()) {
                out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET, box)));
            }
            return;
        }
        Box box = p.box();
        NodeId boxId = ids.of(FleetNodeIds.DEVICE_SET, box.id());
        if (p.size() == 2) {
            out.add(forward(id, NodeIds.HasTypeDefinition, types.type(TypeNodes.BOX_TYPE)));
            out.add(inverse(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET)));
            registry.schoolOfClassroom(box.classroomId()).ifPresent(school ->
                    out.add(inverse(id, NodeIds.Organizes, ids.of(FleetNodeIds.SCHOOLS, school, box.classroomId()))));
            for (Var v : BOX) {
                out.add(forward(id, v.property() ? NodeIds.HasProperty : NodeIds.HasComponent, ids.child(id, v.name())));
            }
            for (String part : List.of(IDENTIFICATION, CAMERAS, MICROPHONES, EQUIPMENT, NETWORK, SYSTEM)) {
                out.add(forward(id, NodeIds.HasComponent, ids.child(id, part)));
            }
            out.add(forward(id, NodeIds.HasComponent, types.runSelfTest()));
            return;
        }
        String part = p.at(2);
        if (p.size() == 3) {
            Var v = find(BOX, part);
            if (v != null) {
                varRefs(out, id, v, boxId);
                if (find(IDENTITY, part) != null) {
                    out.add(inverse(id, NodeIds.Organizes, ids.child(boxId, IDENTIFICATION)));
                }
                return;
            }
            out.add(forward(id, NodeIds.HasTypeDefinition, switch (part) {
                case NETWORK -> types.type(TypeNodes.NETWORK_TYPE);
                case SYSTEM -> types.type(TypeNodes.SYSTEM_TYPE);
                default -> NodeIds.FolderType;
            }));
            out.add(inverse(id, NodeIds.HasComponent, boxId));
            switch (part) {
                case IDENTIFICATION -> IDENTITY.forEach(i -> out.add(forward(id, NodeIds.Organizes, ids.child(boxId, i.name()))));
                case NETWORK -> NETWORK_VARS.forEach(v2 -> out.add(forward(id, NodeIds.HasComponent, ids.child(id, v2.name()))));
                case SYSTEM -> SYSTEM_VARS.forEach(v2 -> out.add(forward(id, NodeIds.HasComponent, ids.child(id, v2.name()))));
                default -> {
                    for (String component : componentIds(box.id(), part)) {
                        out.add(forward(id, NodeIds.Organizes, ids.child(id, component)));
                    }
                }
            }
            return;
        }
        NodeId parent = ids.child(boxId, part);
        if (part.equals(NETWORK) || part.equals(SYSTEM)) {
            varRefs(out, id, find(part.equals(NETWORK) ? NETWORK_VARS : SYSTEM_VARS, p.at(3)), parent);
            return;
        }
        NodeId component = ids.child(parent, p.at(3));
        if (p.size() == 4) {
            out.add(forward(id, NodeIds.HasTypeDefinition, node(id, p).typeDefinition()));
            out.add(inverse(id, NodeIds.Organizes, parent));
            componentVars(part).forEach(v -> out.add(forward(id, NodeIds.HasComponent, ids.child(id, v.name()))));
        } else {
            varRefs(out, id, find(componentVars(part), p.at(4)), component);
        }
    }

    // ------------------------------------------------------------------ values

    /** The value of a box variable (path of 3 to 5 segments) now; null when the path names no variable. */
    DataValue value(NodePath p) {
        Box box = p.box();
        BoxSnapshot snap = fleet.snapshot(box.id()).orElse(null);
        String part = p.at(2);
        if (p.size() == 3) {
            if (find(BOX, part) == null) {
                return null;
            }
            return good(boxVariable(box, snap, part), snap == null || snap.lastSeen() == null ? null : snap.lastSeen());
        }
        StatusMessage status = snap == null ? null : snap.status();
        StatusCode quality = snap != null && snap.presence() == Presence.ONLINE && !snap.stale()
                ? StatusCode.GOOD : new StatusCode(StatusCodes.Uncertain_LastUsableValue);
        Long at = snap == null ? null : snap.statusReceivedAt();
        Object v;
        if (part.equals(NETWORK) || part.equals(SYSTEM)) {
            if (p.size() != 4) {
                return null;
            }
            v = part.equals(NETWORK) ? networkValue(status == null ? null : status.network(), p.at(3))
                    : systemValue(status == null ? null : status.system(), p.at(3));
        } else {
            Object component = p.size() == 5 ? component(p) : null;
            if (component == null || find(componentVars(part), p.at(4)) == null) {
                return null;
            }
            v = componentValue(component, p.at(4));
        }
        if (status == null) {
            quality = new StatusCode(StatusCodes.Bad_WaitingForInitialData);
        }
        return new DataValue(variant(v), quality, at == null ? null : new DateTime(Instant.ofEpochMilli(at)), DateTime.now());
    }

    private Object boxVariable(Box box, BoxSnapshot snap, String name) {
        return switch (name) {
            case "Model" -> snap != null && snap.birth() != null && snap.birth().model() != null ? snap.birth().model() : box.model();
            case "SerialNumber" -> box.id();
            case "SoftwareRevision" -> snap == null || snap.birth() == null ? null : snap.birth().agentVersion();
            case "DeviceRevision" -> snap == null || snap.birth() == null ? null : snap.birth().firmwareVersion();
            case "School" -> registry.schoolOfClassroom(box.classroomId()).orElse(null);
            case "Classroom" -> box.classroomId();
            case "DeviceHealth" -> DeviceHealth.of(snap, rules).health().value;
            case "Online" -> snap != null && snap.presence() == Presence.ONLINE;
            case "LastSeen" -> snap == null || snap.lastSeen() == null ? null : new DateTime(Instant.ofEpochMilli(snap.lastSeen()));
            case "Problems" -> DeviceHealth.of(snap, rules).problems().toArray(String[]::new);
            default -> null;
        };
    }

    private static Object networkValue(NetworkStatus n, String name) {
        if (n == null) {
            return null;
        }
        return switch (name) {
            case "Link" -> n.link();
            case "Iface" -> n.iface();
            case "RttMs" -> n.rttMs();
            case "JitterMs" -> n.jitterMs();
            case "LossPct" -> n.lossPct();
            case "UplinkKbps" -> n.uplinkKbps();
            case "NtpOffsetMs" -> n.ntpOffsetMs();
            default -> null;
        };
    }

    private static Object systemValue(SystemStatus s, String name) {
        if (s == null) {
            return null;
        }
        return switch (name) {
            case "CpuPct" -> s.cpuPct();
            case "MemPct" -> s.memPct();
            case "DiskFreeMb" -> s.diskFreeMb();
            case "TempC" -> s.tempC();
            case "UptimeS" -> s.uptimeS();
            default -> null;
        };
    }

    private static Object componentValue(Object component, String name) {
        if (component instanceof CameraStatus c) {
            return switch (name) {
                case "Role" -> String.valueOf(c.role());
                case "Kind" -> String.valueOf(c.kind());
                case "State" -> String.valueOf(c.state());
                case "Width" -> c.width();
                case "Height" -> c.height();
                case "Fps" -> c.fps();
                case "BitrateKbps" -> c.bitrateKbps();
                case "Frozen" -> c.frozen();
                case "Error" -> c.error();
                default -> null;
            };
        }
        if (component instanceof MicrophoneStatus m) {
            return switch (name) {
                case "Role" -> m.role();
                case "State" -> String.valueOf(m.state());
                case "LevelDbfs" -> m.levelDbfs();
                case "PeakDbfs" -> m.peakDbfs();
                case "Muted" -> m.muted();
                case "Clipping" -> m.clipping();
                case "Error" -> m.error();
                default -> null;
            };
        }
        EquipmentStatus e = (EquipmentStatus) component;
        return switch (name) {
            case "Role" -> e.role();
            case "State" -> String.valueOf(e.state());
            case "Value" -> e.value();
            case "Expected" -> e.expected();
            case "Unit" -> e.unit();
            case "Error" -> e.error();
            default -> null;
        };
    }

    // ------------------------------------------------------------------ components (cameras, microphones, equipment)

    /** The camera, microphone or equipment item a path names, from the box's latest status; null when not reported. */
    private Object component(NodePath p) {
        StatusMessage status = fleet.snapshot(p.box().id()).map(BoxSnapshot::status).orElse(null);
        if (status == null || p.size() < 4) {
            return null;
        }
        String id = p.at(3);
        return switch (p.at(2)) {
            case CAMERAS -> status.cameras().stream().filter(c -> c.id().equals(id)).findFirst().orElse(null);
            case MICROPHONES -> status.microphones().stream().filter(m -> m.id().equals(id)).findFirst().orElse(null);
            case EQUIPMENT -> status.equipment().stream().filter(e -> e.name().equals(id)).findFirst().orElse(null);
            default -> null;
        };
    }

    private List<String> componentIds(String boxId, String folder) {
        StatusMessage status = fleet.snapshot(boxId).map(BoxSnapshot::status).orElse(null);
        if (status == null) {
            return List.of();
        }
        return switch (folder) {
            case CAMERAS -> status.cameras().stream().map(CameraStatus::id).toList();
            case MICROPHONES -> status.microphones().stream().map(MicrophoneStatus::id).toList();
            case EQUIPMENT -> status.equipment().stream().map(EquipmentStatus::name).toList();
            default -> List.of();
        };
    }
}
