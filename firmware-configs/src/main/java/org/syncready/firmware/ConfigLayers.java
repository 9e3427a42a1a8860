package org.syncready.firmware;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How a layer (a profile that extends another, a school override, a box override) is put on top of
 * what is below it. JSON Merge Patch (RFC 7386), with one addition for the lists a technician
 * overrides one entry of:
 * <ul>
 *   <li>objects merge key by key; a {@code null} value removes the key;</li>
 *   <li>a list whose entries all are objects with an {@code id} (cameras, microphones) or a
 *       {@code name} (network targets), on both sides, merges entry by entry on that key: a matching
 *       entry is merged, a new one appended, an entry {@code {"id": "...", "remove": true}} removed;</li>
 *   <li>anything else (an empty list too) replaces what was below.</li>
 * </ul>
 * {@code heartbeatS} and its old name {@code statusIntervalS} are one setting: a layer that sets either
 * replaces the inherited value of both.
 *
 * <p>Neither input is modified.
 */
public final class ConfigLayers {
    /** Names of one setting: {@code agent.heartbeatS} and its old name {@code agent.statusIntervalS}. */
    private static final Map<String, String> SAME_SETTING = Map.of("heartbeatS", "statusIntervalS", "statusIntervalS", "heartbeatS");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JSON_NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private ConfigLayers() {
    }

    /**
     * A layer that sets one dotted key, as people type it ({@code syncready rollout start --set KEY=VALUE},
     * the console's override rows): {@code a.b.c} and a value as {@code {"a":{"b":{"c":value}}}}.
     */
    public static ObjectNode setting(String dottedKey, JsonNode value) {
        String[] parts = dottedKey.split("\\.");
        ObjectNode root = JSON.createObjectNode();
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value);
        return root;
    }

    /**
     * The value of a typed setting: JSON when the text (stripped) is a JSON number, boolean, null, quoted
     * string, list or object; otherwise the text itself, as given (e.g. {@code [x} or a URL).
     */
    public static JsonNode settingValue(String text) {
        String t = text.strip();
        boolean jsonLike = t.equals("true") || t.equals("false") || t.equals("null") || t.startsWith("\"")
                || t.startsWith("[") || t.startsWith("{") || JSON_NUMBER.matcher(t).matches();
        if (jsonLike) {
            try {
                return JSON.readTree(t);
            } catch (JsonProcessingException e) {
                // Not JSON after all: the text itself.
            }
        }
        return JSON.getNodeFactory().textNode(text);
    }

    public static JsonNode merge(JsonNode base, JsonNode layer) {
        if (layer == null || layer.isMissingNode()) {
            return base == null ? null : base.deepCopy();
        }
        if (base instanceof ObjectNode b && layer instanceof ObjectNode l) {
            ObjectNode out = b.deepCopy();
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    out.remove(e.getKey());
                } else {
                    String otherName = SAME_SETTING.get(e.getKey());
                    if (otherName != null && !l.has(otherName)) {
                        // A layer that sets the heartbeat under either name replaces what it inherited under the other.
                        out.remove(otherName);
                    }
                    out.set(e.getKey(), merge(b.get(e.getKey()), e.getValue()));
                }
            }
            return out;
        }
        if (base instanceof ArrayNode b && layer instanceof ArrayNode l) {
            String key = listKey(b, l);
            if (key != null) {
                return mergeByKey(b, l, key);
            }
        }
        return layer.deepCopy();
    }

    private static ArrayNode mergeByKey(ArrayNode base, ArrayNode layer, String key) {
        ArrayNode out = base.deepCopy();
        for (JsonNode entry : layer) {
            String k = entry.get(key).asText();
            int at = indexOf(out, key, k);
            boolean remove = entry.path("remove").asBoolean(false);
            if (remove) {
                if (at >= 0) {
                    out.remove(at);
                }
            } else if (at >= 0) {
                out.set(at, merge(out.get(at), entry));
            } else {
                out.add(entry.deepCopy());
            }
        }
        return out;
    }

    private static int indexOf(ArrayNode list, String key, String value) {
        for (int i = 0; i < list.size(); i++) {
            if (value.equals(list.get(i).get(key).asText())) {
                return i;
            }
        }
        return -1;
    }

    /** {@code id} or {@code name} when every entry of both lists is an object carrying it as text. */
    private static String listKey(ArrayNode base, ArrayNode layer) {
        for (String key : new String[] {"id", "name"}) {
            if (allKeyed(base, key) && allKeyed(layer, key) && layer.size() > 0) {
                return key;
            }
        }
        return null;
    }

    private static boolean allKeyed(ArrayNode list, String key) {
        for (JsonNode e : list) {
            if (!e.isObject() || !e.path(key).isTextual()) {
                return false;
            }
        }
        return true;
    }
}
