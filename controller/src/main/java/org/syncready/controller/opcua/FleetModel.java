package org.syncready.controller.opcua;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.fleet.School;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SyncSession;
import org.syncready.protocol.CameraStatus;
import org.syncready.protocol.EquipmentStatus;
import org.syncready.protocol.MicrophoneStatus;
import org.syncready.protocol.NetworkStatus;
import org.syncready.protocol.StatusMessage;
import org.syncready.protocol.SystemStatus;

/**
 * The fleet as OPC UA nodes, computed from the registry, the live fleet and today's sessions each time
 * a node is asked for: a node exists while its box, camera, school or session does, and a value is
 * the live one (docs/OPCUA.md has the tree). Nothing is kept per node, so 10,000 boxes cost no memory
 * here beyond what the registry and the live fleet already hold.
 *
 * <p>Why this file is over 500 lines: it is the whole address space in one place (every node kind,
 * its references and its values), a table per kind; split, the tree a client browses would have to be
 * pieced together from several files.
 */
final class FleetModel {
    static final String CAMERAS = "Cameras";
    static final String MICROPHONES = "Microphones";
    static final String EQUIPMENT = "Equipment";
    static final String NETWORK = "Network";
    static final String SYSTEM = "System";
    static final String IDENTIFICATION = "Identification";
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

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

    /** Who sees a node: everyone (folders, types) or the staff of any of these schools. */
    record Scope(Set<String> schools) {
        static final Scope EVERYONE = new Scope(null);

        boolean visibleTo(OpcUaPrincipal who) {
            return schools == null || who.seesAny(schools);
        }
    }

    private final FleetNodeIds ids;
    private final TypeNodes types;
    private final FleetRegistry registry;
    private final LiveFleet fleet;
    private final ReadinessRules rules;
    private final TodaySessions today;
    private final ZoneId zone;

    FleetModel(FleetNodeIds ids, TypeNodes types, FleetRegistry registry, LiveFleet fleet, ReadinessRules rules,
               TodaySessions today, ZoneId zone) {
        this.ids = ids;
        this.types = types;
        this.registry = registry;
        this.fleet = fleet;
        this.rules = rules;
        this.today = today;
        this.zone = zone;
    }

    FleetNodeIds ids() {
        return ids;
    }

    /**
     * The registry arranged for browsing: box ids in order, boxes by classroom, classrooms by school.
     * Rebuilt only when the registry changed ({@link FleetRegistry#version()}), so browsing 10,000
     * classrooms one by one does not scan 10,000 boxes each time.
     */
    private record Index(long version, List<String> boxIds, Map<String, List<String>> boxesByClassroom,
                         Map<String, List<String>> classroomsBySchool) {
    }

    private volatile Index index = new Index(-1, List.of(), Map.of(), Map.of());

    private Index index() {
        Index i = index;
        long v = registry.version();
        if (i.version() == v) {
            return i;
        }
        Map<String, List<String>> byClassroom = new HashMap<>();
        List<String> boxIds = new ArrayList<>();
        for (Box b : registry.boxes()) {
            boxIds.add(b.id());
            byClassroom.computeIfAbsent(b.classroomId(), k -> new ArrayList<>(1)).add(b.id());
        }
        Map<String, List<String>> bySchool = new HashMap<>();
        for (Classroom c : registry.classrooms(null)) {
            bySchool.computeIfAbsent(c.schoolId(), k -> new ArrayList<>()).add(c.id());
        }
        i = new Index(v, List.copyOf(boxIds), byClassroom, bySchool);
        index = i;
        return i;
    }

    TypeNodes types() {
        return types;
    }

    // ------------------------------------------------------------------ which node a path names

    /** A node id taken apart: its path segments, and the box or session it belongs to when it does. */
    private record Path(List<String> seg, Box box, SyncSession session) {
        int size() {
            return seg.size();
        }

        String at(int i) {
            return seg.get(i);
        }
    }

    /** The parsed node, or null when it does not exist (now). */
    private Path path(NodeId id) {
        List<String> seg = ids.segments(id);
        if (seg == null) {
            return null;
        }
        switch (seg.get(0)) {
            case FleetNodeIds.DEVICE_SET -> {
                if (seg.size() == 1) {
                    return new Path(seg, null, null);
                }
                Box box = registry.box(seg.get(1)).orElse(null);
                return box == null ? null : new Path(seg, box, null);
            }
            case FleetNodeIds.SESSIONS -> {
                if (seg.size() <= 2) {
                    return seg.size() == 1 || seg.get(1).equals(FleetNodeIds.TODAY) ? new Path(seg, null, null) : null;
                }
                SyncSession s = seg.get(1).equals(FleetNodeIds.TODAY) ? today.session(seg.get(2)) : null;
                return s == null ? null : new Path(seg, null, s);
            }
            case FleetNodeIds.SCHOOLS, FleetNodeIds.TYPES -> {
                return new Path(seg, null, null);
            }
            default -> {
                return null;
            }
        }
    }

    /** Who sees this node; {@link Scope#EVERYONE} for one that does not exist (refused as unknown elsewhere). */
    Scope scope(NodeId id) {
        List<String> seg = ids.segments(id);
        if (seg == null || seg.size() < 2) {
            return Scope.EVERYONE;
        }
        return switch (seg.get(0)) {
            case FleetNodeIds.DEVICE_SET -> registry.schoolOf(seg.get(1)).map(s -> new Scope(Set.of(s))).orElse(Scope.EVERYONE);
            case FleetNodeIds.SCHOOLS -> new Scope(Set.of(seg.get(1)));
            case FleetNodeIds.SESSIONS -> seg.size() >= 3 ? new Scope(today.schoolsOf(seg.get(2))) : Scope.EVERYONE;
            default -> Scope.EVERYONE;
        };
    }

    /** True when {@code id} names a box (the object RunSelfTest is called on). */
    Box boxObject(NodeId id) {
        Path p = path(id);
        return p != null && p.box() != null && p.size() == 2 ? p.box() : null;
    }

    /** True when {@code id} names one of today's sessions (the object CheckSession is called on). */
    SyncSession sessionObject(NodeId id) {
        Path p = path(id);
        return p != null && p.session() != null && p.size() == 3 ? p.session() : null;
    }

    // ------------------------------------------------------------------ nodes

    FleetNode node(NodeId id) {
        Path p = path(id);
        if (p == null) {
            return null;
        }
        return switch (p.at(0)) {
            case FleetNodeIds.DEVICE_SET -> p.size() == 1 ? FleetNode.folder(id, qn("DeviceSet"), "录播主机", "DeviceSet")
                    : boxNode(id, p);
            case FleetNodeIds.SCHOOLS -> schoolNode(id, p);
            case FleetNodeIds.SESSIONS -> sessionNode(id, p);
            case FleetNodeIds.TYPES -> types.node(id);
            default -> null;
        };
    }

    private FleetNode boxNode(NodeId id, Path p) {
        Box box = p.box();
        if (p.size() == 2) {
            Classroom room = registry.classroom(box.classroomId()).orElse(null);
            return FleetNode.object(id, qn(box.id()), room == null ? box.id() : room.nameZh(),
                    room == null ? box.id() : room.nameEn(), types.type(TypeNodes.BOX_TYPE));
        }
        String part = p.at(2);
        if (p.size() == 3) {
            Var v = find(BOX, part);
            if (v != null) {
                return variable(id, v);
            }
            return switch (part) {
                case IDENTIFICATION -> object(id, part, NodeIds.FolderType);
                case CAMERAS, MICROPHONES, EQUIPMENT -> object(id, part, NodeIds.FolderType);
                case NETWORK -> object(id, part, types.type(TypeNodes.NETWORK_TYPE));
                case SYSTEM -> object(id, part, types.type(TypeNodes.SYSTEM_TYPE));
                default -> null;
            };
        }
        if (part.equals(NETWORK) || part.equals(SYSTEM)) {
            Var v = p.size() == 4 ? find(part.equals(NETWORK) ? NETWORK_VARS : SYSTEM_VARS, p.at(3)) : null;
            return v == null ? null : variable(id, v);
        }
        List<Var> vars = componentVars(part);
        if (vars == null || p.size() > 5 || component(p) == null) {
            return null;
        }
        if (p.size() == 4) {
            NodeId type = types.type(part.equals(CAMERAS) ? TypeNodes.CAMERA_TYPE
                    : part.equals(MICROPHONES) ? TypeNodes.MICROPHONE_TYPE : TypeNodes.EQUIPMENT_TYPE);
            return object(id, p.at(3), type);
        }
        Var v = find(vars, p.at(4));
        return v == null ? null : variable(id, v);
    }

    private FleetNode schoolNode(NodeId id, Path p) {
        if (p.size() == 1) {
            return FleetNode.folder(id, qn("Schools"), "学校", "Schools");
        }
        School school = registry.school(p.at(1)).orElse(null);
        if (school == null || p.size() > 3) {
            return null;
        }
        if (p.size() == 2) {
            return FleetNode.folder(id, qn(school.id()), school.nameZh(), school.nameEn());
        }
        Classroom room = registry.classroom(p.at(2)).filter(c -> c.schoolId().equals(school.id())).orElse(null);
        return room == null ? null : FleetNode.folder(id, qn(room.id()), room.nameZh(), room.nameEn());
    }

    private FleetNode sessionNode(NodeId id, Path p) {
        if (p.size() == 1) {
            return FleetNode.folder(id, qn("Sessions"), "课次", "Sessions");
        }
        if (p.size() == 2) {
            return FleetNode.folder(id, qn("Today"), "今日课次", "Today");
        }
        SyncSession s = p.session();
        if (p.size() == 3) {
            String time = HM.format(s.start().atZone(zone)) + "–" + HM.format(s.end().atZone(zone));
            return FleetNode.object(id, qn(s.id()), s.subject() + " " + time, s.subject() + " " + time,
                    types.type(TypeNodes.SESSION_TYPE));
        }
        Var v = p.size() == 4 ? find(SESSION, p.at(3)) : null;
        return v == null ? null : variable(id, v);
    }

    private FleetNode object(NodeId id, String name, NodeId type) {
        return FleetNode.object(id, qn(name), name, null, type);
    }

    private FleetNode variable(NodeId id, Var v) {
        NodeId type = v.dataType() == null ? types.healthEnum() : v.dataType();
        return FleetNode.variable(id, qn(v.name()), type, v.rank(), v.property());
    }

    // ------------------------------------------------------------------ references

    /** Every reference of a node, forward and inverse; null when the node does not exist. */
    List<Reference> references(NodeId id) {
        Path p = path(id);
        if (p == null) {
            return null;
        }
        List<Reference> out = new ArrayList<>();
        switch (p.at(0)) {
            case FleetNodeIds.DEVICE_SET -> {
                if (p.size() == 1) {
                    folderRefs(out, id, NodeIds.ObjectsFolder);
                    for (String box : index().boxIds()) {
                        out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET, box)));
                    }
                } else {
                    boxRefs(out, id, p);
                }
            }
            case FleetNodeIds.SCHOOLS -> schoolRefs(out, id, p);
            case FleetNodeIds.SESSIONS -> sessionRefs(out, id, p);
            case FleetNodeIds.TYPES -> {
                List<Reference> r = types.references(id);
                if (r == null) {
                    return null;
                }
                out.addAll(r);
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    /** References from other namespaces' nodes into this one (the Objects folder, the type hierarchy). */
    List<Reference> gather(NodeId id) {
        if (NodeIds.ObjectsFolder.equals(id)) {
            return List.of(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET)),
                    forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.SCHOOLS)),
                    forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.SESSIONS)));
        }
        return types.gather(id);
    }

    private void boxRefs(List<Reference> out, NodeId id, Path p) {
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
            out.add(forward(id, NodeIds.HasTypeDefinition, node(id).typeDefinition()));
            out.add(inverse(id, NodeIds.Organizes, parent));
            componentVars(part).forEach(v -> out.add(forward(id, NodeIds.HasComponent, ids.child(id, v.name()))));
        } else {
            varRefs(out, id, find(componentVars(part), p.at(4)), component);
        }
    }

    private void schoolRefs(List<Reference> out, NodeId id, Path p) {
        if (p.size() == 1) {
            folderRefs(out, id, NodeIds.ObjectsFolder);
            registry.schools().forEach(s -> out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.SCHOOLS, s.id()))));
        } else if (p.size() == 2) {
            folderRefs(out, id, ids.of(FleetNodeIds.SCHOOLS));
            index().classroomsBySchool().getOrDefault(p.at(1), List.of())
                    .forEach(c -> out.add(forward(id, NodeIds.Organizes, ids.child(id, c))));
        } else {
            folderRefs(out, id, ids.of(FleetNodeIds.SCHOOLS, p.at(1)));
            for (String box : index().boxesByClassroom().getOrDefault(p.at(2), List.of())) {
                out.add(forward(id, NodeIds.Organizes, ids.of(FleetNodeIds.DEVICE_SET, box)));
            }
        }
    }

    private void sessionRefs(List<Reference> out, NodeId id, Path p) {
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

    private void folderRefs(List<Reference> out, NodeId id, NodeId parent) {
        out.add(forward(id, NodeIds.HasTypeDefinition, NodeIds.FolderType));
        out.add(inverse(id, NodeIds.Organizes, parent));
    }

    private static void varRefs(List<Reference> out, NodeId id, Var v, NodeId parent) {
        out.add(forward(id, NodeIds.HasTypeDefinition, v.property() ? NodeIds.PropertyType : NodeIds.BaseDataVariableType));
        out.add(inverse(id, v.property() ? NodeIds.HasProperty : NodeIds.HasComponent, parent));
    }

    private static Reference forward(NodeId source, NodeId type, NodeId target) {
        return new Reference(source, type, target.expanded(), Reference.Direction.FORWARD);
    }

    private static Reference inverse(NodeId source, NodeId type, NodeId target) {
        return new Reference(source, type, target.expanded(), Reference.Direction.INVERSE);
    }

    // ------------------------------------------------------------------ values

    /**
     * The value of a variable now, with its source time; null when {@code id} is no variable. Values
     * the box reported are {@code Uncertain_LastUsableValue} while the box is offline or stale.
     */
    DataValue value(NodeId id) {
        Path p = path(id);
        if (p == null) {
            return null;
        }
        if (p.at(0).equals(FleetNodeIds.TYPES)) {
            Variant v = types.value(id);
            return v == null ? null : new DataValue(v, StatusCode.GOOD, null);
        }
        if (p.box() != null && p.size() >= 3) {
            return boxValue(p);
        }
        if (p.session() != null && p.size() == 4) {
            return sessionValue(p.session(), p.at(3));
        }
        return null;
    }

    private DataValue boxValue(Path p) {
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

    private DataValue sessionValue(SyncSession s, String name) {
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

    /** One line per reason: {@code classroom CODE: sentence}. */
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

    private static DataValue good(Object v, Long sourceMs) {
        return new DataValue(variant(v), StatusCode.GOOD,
                sourceMs == null ? null : new DateTime(Instant.ofEpochMilli(sourceMs)), DateTime.now());
    }

    private static Variant variant(Object v) {
        if (v == null) {
            return Variant.NULL_VALUE;
        }
        return new Variant(v);
    }

    // ------------------------------------------------------------------ components (cameras, microphones, equipment)

    private static List<Var> componentVars(String folder) {
        return switch (folder) {
            case CAMERAS -> CAMERA;
            case MICROPHONES -> MICROPHONE;
            case EQUIPMENT -> EQUIPMENT_VARS;
            default -> null;
        };
    }

    /** The camera, microphone or equipment item a path names, from the box's latest status; null when not reported. */
    private Object component(Path p) {
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

    private static Var find(List<Var> vars, String name) {
        for (Var v : vars) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        return null;
    }

    private QualifiedName qn(String name) {
        return new QualifiedName(ids.namespaceIndex(), name);
    }
}
