package org.syncready.controller.opcua;

import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;

/**
 * What a node is, made when asked for: its class, names and type; for a variable its data type and
 * rank. Values and references are the model's business ({@link FleetModel}).
 *
 * @param nameZh       the display name in Chinese (the default)
 * @param nameEn       the display name in English, for a session whose client prefers English; null: same as zh
 * @param typeDefinition the object's or variable's type; null for types and methods
 */
record FleetNode(NodeId id, NodeClass nodeClass, QualifiedName browseName, String nameZh, String nameEn,
                 NodeId typeDefinition, NodeId dataType, int valueRank) {
    static final int SCALAR = -1;
    static final int ARRAY = 1;

    static FleetNode object(NodeId id, QualifiedName browseName, String zh, String en, NodeId type) {
        return new FleetNode(id, NodeClass.Object, browseName, zh, en, type, null, SCALAR);
    }

    static FleetNode folder(NodeId id, QualifiedName browseName, String zh, String en) {
        return object(id, browseName, zh, en, NodeIds.FolderType);
    }

    static FleetNode variable(NodeId id, QualifiedName browseName, NodeId dataType, int valueRank, boolean property) {
        return new FleetNode(id, NodeClass.Variable, browseName, browseName.name(), null,
                property ? NodeIds.PropertyType : NodeIds.BaseDataVariableType, dataType, valueRank);
    }

    LocalizedText displayName(boolean english) {
        return english && nameEn != null ? new LocalizedText("en", nameEn)
                : new LocalizedText(nameEn == null ? "" : "zh-CN", nameZh);
    }

    /** The other language, as the description (null when the node has one name). */
    LocalizedText description(boolean english) {
        if (nameEn == null) {
            return LocalizedText.NULL_VALUE;
        }
        return english ? new LocalizedText("zh-CN", nameZh) : new LocalizedText("en", nameEn);
    }
}
