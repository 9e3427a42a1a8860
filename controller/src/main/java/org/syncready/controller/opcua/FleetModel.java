package org.syncready.controller.opcua;

import static org.syncready.controller.opcua.NodeParts.forward;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.opcua.NodePath.Scope;
import org.syncready.controller.readiness.ReadinessRules;
import org.syncready.controller.schedule.SyncSession;

/**
 * The fleet as OPC UA nodes, computed from the registry, the live fleet and today's sessions each time
 * a node is asked for: a node exists while its box, camera, school or session does, and a value is
 * the live one (docs/OPCUA.md has the tree). Nothing is kept per node, so 10,000 boxes cost no memory
 * here beyond what the registry and the live fleet already hold.
 *
 * <p>This class parses the node id ({@link NodePath}) and hands it to the part of the tree it names:
 * {@link BoxNodes} (DeviceSet), {@link SchoolNodes}, {@link SessionNodes} or {@link TypeNodes}; the
 * variables of each node kind are tabled in {@link NodeVariables}.
 */
final class FleetModel {
    private final FleetNodeIds ids;
    private final TypeNodes types;
    private final FleetRegistry registry;
    private final TodaySessions today;
    private final BoxNodes boxes;
    private final SchoolNodes schools;
    private final SessionNodes sessions;

    FleetModel(FleetNodeIds ids, TypeNodes types, FleetRegistry registry, LiveFleet fleet, ReadinessRules rules,
               TodaySessions today, ZoneId zone) {
        this.ids = ids;
        this.types = types;
        this.registry = registry;
        this.today = today;
        NodeParts parts = new NodeParts(ids, types);
        BrowseIndex index = new BrowseIndex(registry);
        this.boxes = new BoxNodes(ids, types, parts, registry, fleet, rules, index);
        this.schools = new SchoolNodes(ids, parts, registry, index);
        this.sessions = new SessionNodes(ids, types, parts, today, zone);
    }

    FleetNodeIds ids() {
        return ids;
    }

    TypeNodes types() {
        return types;
    }

    private NodePath path(NodeId id) {
        return NodePath.parse(id, ids, registry, today);
    }

    /** Who sees this node; {@link Scope#EVERYONE} for one that does not exist (refused as unknown elsewhere). */
    Scope scope(NodeId id) {
        return Scope.of(id, ids, registry, today);
    }

    /** True when {@code id} names a box (the object RunSelfTest is called on). */
    Box boxObject(NodeId id) {
        NodePath p = path(id);
        return p != null && p.box() != null && p.size() == 2 ? p.box() : null;
    }

    /** True when {@code id} names one of today's sessions (the object CheckSession is called on). */
    SyncSession sessionObject(NodeId id) {
        NodePath p = path(id);
        return p != null && p.session() != null && p.size() == 3 ? p.session() : null;
    }

    FleetNode node(NodeId id) {
        NodePath p = path(id);
        if (p == null) {
            return null;
        }
        return switch (p.at(0)) {
            case FleetNodeIds.DEVICE_SET -> boxes.node(id, p);
            case FleetNodeIds.SCHOOLS -> schools.node(id, p);
            case FleetNodeIds.SESSIONS -> sessions.node(id, p);
            case FleetNodeIds.TYPES -> types.node(id);
            default -> null;
        };
    }

    /** Every reference of a node, forward and inverse; null when the node does not exist. */
    List<Reference> references(NodeId id) {
        NodePath p = path(id);
        if (p == null) {
            return null;
        }
        List<Reference> out = new ArrayList<>();
        switch (p.at(0)) {
            case FleetNodeIds.DEVICE_SET -> boxes.references(out, id, p);
            case FleetNodeIds.SCHOOLS -> schools.references(out, id, p);
            case FleetNodeIds.SESSIONS -> sessions.references(out, id, p);
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

    /**
     * The value of a variable now, with its source time; null when {@code id} is no variable. Values
     * the box reported are {@code Uncertain_LastUsableValue} while the box is offline or stale.
     */
    DataValue value(NodeId id) {
        NodePath p = path(id);
        if (p == null) {
            return null;
        }
        if (p.at(0).equals(FleetNodeIds.TYPES)) {
            Variant v = types.value(id);
            return v == null ? null : new DataValue(v, StatusCode.GOOD, null);
        }
        if (p.box() != null && p.size() >= 3) {
            return boxes.value(p);
        }
        if (p.session() != null && p.size() == 4) {
            return sessions.value(p.session(), p.at(3));
        }
        return null;
    }
}
