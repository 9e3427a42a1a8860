package org.syncready.controller.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What differs between two rendered bodies, as a list of changed leaves. Lists of objects with an
 * {@code id} or {@code name} are compared entry by entry on that key ({@code /cameras/cam-student/url}),
 * the way override layers address them; other lists by position.
 */
final class JsonDiff {
    /** One changed value; {@code from} or {@code to} is null where the value was added or removed. */
    record Change(String path, JsonNode from, JsonNode to) {
    }

    private JsonDiff() {
    }

    static List<Change> of(JsonNode from, JsonNode to) {
        List<Change> out = new ArrayList<>();
        walk("", from, to, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<Change> out) {
        if (a != null && b != null && a.equals(b)) {
            return;
        }
        // An object added or removed as a whole is listed leaf by leaf, so a first configuration reads like the others.
        if ((a == null || a.isObject()) && (b == null || b.isObject()) && (a != null || b != null)) {
            Set<String> names = new LinkedHashSet<>();
            if (a != null) {
                a.fieldNames().forEachRemaining(names::add);
            }
            if (b != null) {
                b.fieldNames().forEachRemaining(names::add);
            }
            for (String n : names) {
                walk(path + "/" + n, a == null ? null : a.get(n), b == null ? null : b.get(n), out);
            }
            return;
        }
        if (a != null && b != null && a.isArray() && b.isArray()) {
            String key = key(a, b);
            if (key != null) {
                Set<String> ids = new LinkedHashSet<>();
                a.forEach(e -> ids.add(e.get(key).asText()));
                b.forEach(e -> ids.add(e.get(key).asText()));
                for (String id : ids) {
                    walk(path + "/" + id, find(a, key, id), find(b, key, id), out);
                }
                return;
            }
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                walk(path + "/" + i, a.get(i), b.get(i), out);
            }
            return;
        }
        out.add(new Change(path.isEmpty() ? "/" : path, a == null ? NullNode.getInstance() : a, b == null ? NullNode.getInstance() : b));
    }

    private static String key(JsonNode a, JsonNode b) {
        for (String k : new String[] {"id", "name"}) {
            if (keyed(a, k) && keyed(b, k)) {
                return k;
            }
        }
        return null;
    }

    private static boolean keyed(JsonNode list, String k) {
        for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
            JsonNode e = it.next();
            if (!e.isObject() || !e.path(k).isTextual()) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode find(JsonNode list, String key, String id) {
        for (JsonNode e : list) {
            if (id.equals(e.get(key).asText())) {
                return e;
            }
        }
        return null;
    }
}
