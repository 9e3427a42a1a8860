package org.syncready.controller.opcua;

import java.time.Instant;
import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.syncready.controller.opcua.NodeVariables.Var;

/**
 * What every node kind is built from: browse names in the fleet's namespace, objects and variables,
 * the references a folder or variable has to its parent, and values. Shared so that box, school and
 * session nodes are shaped the same way.
 */
final class NodeParts {
    private final FleetNodeIds ids;
    private final TypeNodes types;

    NodeParts(FleetNodeIds ids, TypeNodes types) {
        this.ids = ids;
        this.types = types;
    }

    QualifiedName qn(String name) {
        return new QualifiedName(ids.namespaceIndex(), name);
    }

    FleetNode object(NodeId id, String name, NodeId type) {
        return FleetNode.object(id, qn(name), name, null, type);
    }

    /** A variable node; a variable with no data type in its table is DeviceHealth, typed by the NE 107 enumeration. */
    FleetNode variable(NodeId id, Var v) {
        NodeId type = v.dataType() == null ? types.healthEnum() : v.dataType();
        return FleetNode.variable(id, qn(v.name()), type, v.rank(), v.property());
    }

    static void folderRefs(List<Reference> out, NodeId id, NodeId parent) {
        out.add(forward(id, NodeIds.HasTypeDefinition, NodeIds.FolderType));
        out.add(inverse(id, NodeIds.Organizes, parent));
    }

    static void varRefs(List<Reference> out, NodeId id, Var v, NodeId parent) {
        out.add(forward(id, NodeIds.HasTypeDefinition, v.property() ? NodeIds.PropertyType : NodeIds.BaseDataVariableType));
        out.add(inverse(id, v.property() ? NodeIds.HasProperty : NodeIds.HasComponent, parent));
    }

    static Reference forward(NodeId source, NodeId type, NodeId target) {
        return new Reference(source, type, target.expanded(), Reference.Direction.FORWARD);
    }

    static Reference inverse(NodeId source, NodeId type, NodeId target) {
        return new Reference(source, type, target.expanded(), Reference.Direction.INVERSE);
    }

    static DataValue good(Object v, Long sourceMs) {
        return new DataValue(variant(v), StatusCode.GOOD,
                sourceMs == null ? null : new DateTime(Instant.ofEpochMilli(sourceMs)), DateTime.now());
    }

    static Variant variant(Object v) {
        if (v == null) {
            return Variant.NULL_VALUE;
        }
        return new Variant(v);
    }
}
