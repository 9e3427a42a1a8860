package org.syncready.controller.opcua;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * The fixed part of the namespace: the object types (ClassroomBoxType, CameraType, ...,
 * SyncSessionType), the two methods declared on them (RunSelfTest, CheckSession) with their output
 * arguments, and DI's DeviceHealthEnumeration with its EnumStrings. Made once; a handful of nodes.
 */
final class TypeNodes {
    static final String BOX_TYPE = "ClassroomBoxType";
    static final String SESSION_TYPE = "SyncSessionType";
    static final String CAMERA_TYPE = "CameraType";
    static final String MICROPHONE_TYPE = "MicrophoneType";
    static final String NETWORK_TYPE = "NetworkType";
    static final String SYSTEM_TYPE = "SystemType";
    static final String EQUIPMENT_TYPE = "EquipmentItemType";
    static final String HEALTH_ENUM = "DeviceHealthEnumeration";
    static final String RUN_SELF_TEST = "RunSelfTest";
    static final String CHECK_SESSION = "CheckSession";

    static final Argument[] SELF_TEST_OUTPUTS = {
        new Argument("Passed", NodeIds.Boolean, FleetNode.SCALAR, null,
                LocalizedText.english("Every check of the box passed")),
        new Argument("Failed", NodeIds.String, FleetNode.ARRAY, null,
                LocalizedText.english("One sentence per failed check, e.g. camera cam-1: picture frozen")),
        new Argument("Report", NodeIds.String, FleetNode.SCALAR, null,
                LocalizedText.english("The box's whole self-test report, JSON (PROTOCOL.md, selftest)"))};
    static final Argument[] CHECK_OUTPUTS = {
        new Argument("Verdict", NodeIds.String, FleetNode.SCALAR, null,
                LocalizedText.english("READY, AT_RISK, NOT_READY or UNKNOWN")),
        new Argument("ReasonsEn", NodeIds.String, FleetNode.ARRAY, null,
                LocalizedText.english("Why, one sentence per reason, in English")),
        new Argument("ReasonsZh", NodeIds.String, FleetNode.ARRAY, null,
                LocalizedText.english("Why, one sentence per reason, in Chinese")),
        new Argument("CheckedAt", NodeIds.DateTime, FleetNode.SCALAR, null,
                LocalizedText.english("When the verdict was made"))};

    private final FleetNodeIds ids;
    private final Map<NodeId, FleetNode> nodes = new LinkedHashMap<>();
    private final Map<NodeId, List<Reference>> references = new LinkedHashMap<>();
    private final Map<NodeId, Variant> values = new LinkedHashMap<>();
    private final List<Reference> baseObjectTypeChildren = new ArrayList<>();
    private final List<Reference> enumerationChildren = new ArrayList<>();

    TypeNodes(FleetNodeIds ids) {
        this.ids = ids;
        NodeId boxType = objectType(BOX_TYPE);
        NodeId sessionType = objectType(SESSION_TYPE);
        for (String t : List.of(CAMERA_TYPE, MICROPHONE_TYPE, NETWORK_TYPE, SYSTEM_TYPE, EQUIPMENT_TYPE)) {
            objectType(t);
        }
        method(boxType, RUN_SELF_TEST, SELF_TEST_OUTPUTS);
        method(sessionType, CHECK_SESSION, CHECK_OUTPUTS);

        NodeId health = type(HEALTH_ENUM);
        nodes.put(health, new FleetNode(health, NodeClass.DataType, qn(HEALTH_ENUM), HEALTH_ENUM, null, null, null,
                FleetNode.SCALAR));
        enumerationChildren.add(new Reference(NodeIds.Enumeration, NodeIds.HasSubtype, health.expanded(), true));
        NodeId strings = ids.child(health, "EnumStrings");
        refs(health).add(new Reference(health, NodeIds.HasSubtype, NodeIds.Enumeration.expanded(), false));
        refs(health).add(new Reference(health, NodeIds.HasProperty, strings.expanded(), true));
        nodes.put(strings, FleetNode.variable(strings, new QualifiedName(0, "EnumStrings"), NodeIds.LocalizedText,
                FleetNode.ARRAY, true));
        refs(strings).add(new Reference(strings, NodeIds.HasTypeDefinition, NodeIds.PropertyType.expanded(), true));
        refs(strings).add(new Reference(strings, NodeIds.HasProperty, health.expanded(), false));
        DeviceHealth[] all = DeviceHealth.values();
        LocalizedText[] names = new LocalizedText[all.length];
        for (DeviceHealth h : all) {
            names[h.value] = LocalizedText.english(h.name());
        }
        values.put(strings, new Variant(names));
    }

    NodeId type(String name) {
        return ids.of(FleetNodeIds.TYPES, name);
    }

    NodeId runSelfTest() {
        return ids.child(type(BOX_TYPE), RUN_SELF_TEST);
    }

    NodeId checkSession() {
        return ids.child(type(SESSION_TYPE), CHECK_SESSION);
    }

    NodeId healthEnum() {
        return type(HEALTH_ENUM);
    }

    FleetNode node(NodeId id) {
        return nodes.get(id);
    }

    List<Reference> references(NodeId id) {
        return references.get(id);
    }

    /** A property's value (EnumStrings, OutputArguments); null for other nodes. */
    Variant value(NodeId id) {
        return values.get(id);
    }

    /** The references other namespaces' nodes have to these (BaseObjectType and Enumeration to their subtypes). */
    List<Reference> gather(NodeId id) {
        if (NodeIds.BaseObjectType.equals(id)) {
            return baseObjectTypeChildren;
        }
        if (NodeIds.Enumeration.equals(id)) {
            return enumerationChildren;
        }
        return List.of();
    }

    private NodeId objectType(String name) {
        NodeId id = type(name);
        nodes.put(id, new FleetNode(id, NodeClass.ObjectType, qn(name), name, null, null, null, FleetNode.SCALAR));
        refs(id).add(new Reference(id, NodeIds.HasSubtype, NodeIds.BaseObjectType.expanded(), false));
        baseObjectTypeChildren.add(new Reference(NodeIds.BaseObjectType, NodeIds.HasSubtype, id.expanded(), true));
        return id;
    }

    private void method(NodeId type, String name, Argument[] outputs) {
        NodeId method = ids.child(type, name);
        nodes.put(method, new FleetNode(method, NodeClass.Method, qn(name), name, null, null, null, FleetNode.SCALAR));
        refs(type).add(new Reference(type, NodeIds.HasComponent, method.expanded(), true));
        refs(method).add(new Reference(method, NodeIds.HasComponent, type.expanded(), false));
        NodeId out = ids.child(method, "OutputArguments");
        refs(method).add(new Reference(method, NodeIds.HasProperty, out.expanded(), true));
        nodes.put(out, FleetNode.variable(out, new QualifiedName(0, "OutputArguments"), NodeIds.Argument, FleetNode.ARRAY, true));
        refs(out).add(new Reference(out, NodeIds.HasTypeDefinition, NodeIds.PropertyType.expanded(), true));
        refs(out).add(new Reference(out, NodeIds.HasProperty, method.expanded(), false));
        values.put(out, new Variant(outputs));
    }

    private List<Reference> refs(NodeId id) {
        return references.computeIfAbsent(id, k -> new ArrayList<>());
    }

    private QualifiedName qn(String name) {
        return new QualifiedName(ids.namespaceIndex(), name);
    }
}
