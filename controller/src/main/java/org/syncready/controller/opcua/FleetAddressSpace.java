package org.syncready.controller.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.ubyte;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.AddressSpaceFilter;
import org.eclipse.milo.opcua.sdk.server.AddressSpaceFragment;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.SimpleAddressSpaceFilter;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ViewDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.WriteValue;

/**
 * The fleet's namespace as one Milo address-space fragment, answering browse, read, subscriptions and
 * calls from {@link FleetModel} with no node objects kept. What a session sees depends on its user:
 * a school-IT user or technician browses, reads and subscribes only to their schools' boxes and
 * sessions; anything else is {@code Bad_NodeIdUnknown} to them, as if it did not exist. Reads without
 * a session are Milo's own (the attributes of references a browse already filtered). Everything is
 * read-only; values are sampled by Milo's {@link SubscriptionModel} at the client's interval (at least
 * {@link #MIN_SAMPLING_MS} ms).
 */
final class FleetAddressSpace implements AddressSpaceFragment {
    static final double MIN_SAMPLING_MS = 100;
    private static final UInteger NOT_WRITABLE = uint(0);

    private final FleetModel model;
    private final FleetMethods methods;
    private final SubscriptionModel subscriptions;
    private final AddressSpaceFilter filter;
    private final org.eclipse.milo.opcua.stack.core.NamespaceTable namespaces;
    private final org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort ns;

    FleetAddressSpace(OpcUaServer server, FleetModel model, FleetMethods methods) {
        this.model = model;
        this.methods = methods;
        this.namespaces = server.getNamespaceTable();
        this.ns = model.ids().namespaceIndex();
        this.filter = SimpleAddressSpaceFilter.create(id -> ns.equals(id.getNamespaceIndex()));
        this.subscriptions = new SubscriptionModel(server, this);
    }

    void startup() {
        subscriptions.startup();
    }

    void shutdown() {
        subscriptions.shutdown();
    }

    @Override
    public AddressSpaceFilter getFilter() {
        return filter;
    }

    /** The logged-in user of a session; null for Milo's own calls (no session) or an unknown identity. */
    static OpcUaPrincipal principal(Session session) {
        Identity identity = session == null ? null : session.getIdentity();
        return identity != null && identity.getUserData() instanceof OpcUaPrincipal p ? p : null;
    }

    /** False when a session's user must not see the node; Milo's own reads (no session) see everything. */
    private boolean visible(Session session, NodeId id) {
        if (session == null) {
            return true;
        }
        OpcUaPrincipal who = principal(session);
        return who != null && model.scope(id).visibleTo(who);
    }

    // ------------------------------------------------------------------ view services

    @Override
    public List<ReferenceResult> browse(BrowseContext context, ViewDescription view, List<NodeId> nodeIds) {
        Session session = context.getSession().orElse(null);
        List<ReferenceResult> out = new ArrayList<>(nodeIds.size());
        for (NodeId id : nodeIds) {
            List<Reference> refs = visible(session, id) ? model.references(id) : null;
            out.add(refs == null ? ReferenceResult.unknown() : ReferenceResult.of(visibleTargets(session, refs)));
        }
        return out;
    }

    @Override
    public ReferenceResult.ReferenceList gather(BrowseContext context, ViewDescription view, NodeId nodeId) {
        return ReferenceResult.of(model.gather(nodeId));
    }

    private List<Reference> visibleTargets(Session session, List<Reference> refs) {
        if (session == null) {
            return refs;
        }
        List<Reference> out = new ArrayList<>(refs.size());
        for (Reference r : refs) {
            NodeId target = r.getTargetNodeId().toNodeId(namespaces).orElse(null);
            if (target == null || !ns.equals(target.getNamespaceIndex()) || visible(session, target)) {
                out.add(r);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ attribute services

    @Override
    public List<DataValue> read(ReadContext context, Double maxAge, TimestampsToReturn timestamps, List<ReadValueId> ids) {
        Session session = context.getSession().orElse(null);
        boolean english = english(session);
        List<DataValue> out = new ArrayList<>(ids.size());
        for (ReadValueId rv : ids) {
            NodeId id = rv.getNodeId();
            FleetNode node = visible(session, id) ? model.node(id) : null;
            if (node == null) {
                out.add(new DataValue(StatusCodes.Bad_NodeIdUnknown));
                continue;
            }
            AttributeId attribute = AttributeId.from(rv.getAttributeId()).orElse(null);
            if (attribute == AttributeId.Value) {
                DataValue v = node.nodeClass() == NodeClass.Variable ? model.value(id) : null;
                out.add(v == null ? new DataValue(StatusCodes.Bad_AttributeIdInvalid)
                        : DataValue.derivedValue(v, timestamps == null ? TimestampsToReturn.Neither : timestamps));
                continue;
            }
            Object value = attribute == null ? null : attribute(node, attribute, session, english);
            out.add(value == null ? new DataValue(StatusCodes.Bad_AttributeIdInvalid)
                    : DataValue.derivedNonValue(new DataValue(value instanceof Variant v ? v : new Variant(value)),
                    timestamps == null ? TimestampsToReturn.Neither : timestamps));
        }
        return out;
    }

    /** A non-value attribute of a node, or null when its class has no such attribute. */
    private Object attribute(FleetNode node, AttributeId attribute, Session session, boolean english) {
        NodeClass cls = node.nodeClass();
        return switch (attribute) {
            case NodeId -> node.id();
            case NodeClass -> cls;
            case BrowseName -> node.browseName();
            case DisplayName -> node.displayName(english);
            case Description -> node.description(english);
            case WriteMask, UserWriteMask -> NOT_WRITABLE;
            case EventNotifier -> cls == NodeClass.Object ? ubyte(0) : null;
            case IsAbstract -> cls == NodeClass.ObjectType || cls == NodeClass.DataType ? Boolean.FALSE : null;
            case DataType -> cls == NodeClass.Variable ? node.dataType() : null;
            case ValueRank -> cls == NodeClass.Variable ? node.valueRank() : null;
            case ArrayDimensions -> cls != NodeClass.Variable ? null
                    : node.valueRank() == FleetNode.ARRAY ? new Variant(new UInteger[] {uint(0)}) : Variant.NULL_VALUE;
            case AccessLevel, UserAccessLevel -> cls == NodeClass.Variable ? AccessLevel.toValue(AccessLevel.READ_ONLY) : null;
            case MinimumSamplingInterval -> cls == NodeClass.Variable ? MIN_SAMPLING_MS : null;
            case Historizing -> cls == NodeClass.Variable ? Boolean.FALSE : null;
            case Executable -> cls == NodeClass.Method ? Boolean.TRUE : null;
            case UserExecutable -> {
                if (cls != NodeClass.Method) {
                    yield null;
                }
                OpcUaPrincipal who = principal(session);
                yield session == null || who != null && who.acts();
            }
            default -> null;
        };
    }

    /** A client that asks for English first (session locale ids) gets English names; everyone else Chinese. */
    private static boolean english(Session session) {
        String[] locales = session == null ? null : session.getLocaleIds();
        return locales != null && locales.length > 0 && locales[0] != null && locales[0].toLowerCase().startsWith("en");
    }

    @Override
    public List<StatusCode> write(WriteContext context, List<WriteValue> writeValues) {
        return Collections.nCopies(writeValues.size(), new StatusCode(StatusCodes.Bad_NotWritable));
    }

    // ------------------------------------------------------------------ methods

    @Override
    public List<CallMethodResult> call(CallContext context, List<CallMethodRequest> requests) {
        Session session = context.getSession().orElse(null);
        OpcUaPrincipal who = principal(session);
        String source = session == null || session.getClientAddress() == null ? null : session.getClientAddress().getHostAddress();
        List<CallMethodResult> out = new ArrayList<>(requests.size());
        for (CallMethodRequest request : requests) {
            out.add(methods.call(who, source, request));
        }
        return out;
    }

    // ------------------------------------------------------------------ monitored items

    @Override
    public RevisedDataItemParameters onCreateDataItem(ReadValueId item, Double requestedSamplingInterval, UInteger requestedQueueSize) {
        return new RevisedDataItemParameters(revise(requestedSamplingInterval), requestedQueueSize);
    }

    @Override
    public RevisedDataItemParameters onModifyDataItem(ReadValueId item, Double requestedSamplingInterval, UInteger requestedQueueSize) {
        return new RevisedDataItemParameters(revise(requestedSamplingInterval), requestedQueueSize);
    }

    private static Double revise(Double requested) {
        return requested == null || requested < MIN_SAMPLING_MS ? MIN_SAMPLING_MS : requested;
    }

    @Override
    public void onDataItemsCreated(List<DataItem> dataItems) {
        subscriptions.onDataItemsCreated(dataItems);
    }

    @Override
    public void onDataItemsModified(List<DataItem> dataItems) {
        subscriptions.onDataItemsModified(dataItems);
    }

    @Override
    public void onDataItemsDeleted(List<DataItem> dataItems) {
        subscriptions.onDataItemsDeleted(dataItems);
    }

    @Override
    public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
        subscriptions.onMonitoringModeChanged(monitoredItems);
    }
}
