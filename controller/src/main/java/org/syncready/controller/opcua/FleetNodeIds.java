package org.syncready.controller.opcua;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * The node ids of the fleet's namespace: strings that are paths, e.g. {@code DeviceSet/box-1/Cameras/cam-1/Fps}
 * or {@code Sessions/Today/ss-1a2b3c/Verdict}. A node is known from its id alone, so nothing per node is
 * kept in memory. Box, school, classroom and session ids are {@code [A-Za-z0-9_-]}; camera, microphone
 * and equipment ids may hold any character, so in a path '%' and '/' are escaped as %25 and %2F.
 */
final class FleetNodeIds {
    static final String NAMESPACE_URI = "urn:syncready:fleet";
    static final String DEVICE_SET = "DeviceSet";
    static final String SCHOOLS = "Schools";
    static final String SESSIONS = "Sessions";
    static final String TODAY = "Today";
    static final String TYPES = "Types";

    private final UShort ns;

    FleetNodeIds(UShort ns) {
        this.ns = ns;
    }

    UShort namespaceIndex() {
        return ns;
    }

    /** The node whose path is the given segments, each escaped. */
    NodeId of(String... segments) {
        StringBuilder path = new StringBuilder();
        for (String s : segments) {
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(escape(s));
        }
        return new NodeId(ns, path.toString());
    }

    /** The node under {@code parent} named {@code child}. */
    NodeId child(NodeId parent, String child) {
        return new NodeId(ns, parent.getIdentifier() + "/" + escape(child));
    }

    /** The path segments of a node of this namespace (unescaped), or null for another namespace or kind of id. */
    List<String> segments(NodeId id) {
        if (id == null || !ns.equals(id.getNamespaceIndex()) || !(id.getIdentifier() instanceof String path) || path.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>(6);
        int from = 0;
        while (true) {
            int slash = path.indexOf('/', from);
            String s = path.substring(from, slash < 0 ? path.length() : slash);
            if (s.isEmpty()) {
                return null;
            }
            out.add(unescape(s));
            if (slash < 0) {
                return out;
            }
            from = slash + 1;
        }
    }

    static String escape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('/') < 0) {
            return s;
        }
        return s.replace("%", "%25").replace("/", "%2F");
    }

    static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        return s.replace("%2F", "/").replace("%25", "%");
    }
}
