package org.syncready.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One YAML mapping and its dotted path, with typed reads that fail naming the field. */
final class YamlFields {
    final ObjectNode node;
    final String path;

    YamlFields(JsonNode node, String path) {
        if (!(node instanceof ObjectNode o)) {
            throw new ConfigException(path.isEmpty() ? null : path.substring(0, path.length() - 1),
                    "must be a mapping of fields (key: value), was " + describe(node));
        }
        this.node = o;
        this.path = path;
    }

    void allow(String... known) {
        Set<String> names = new LinkedHashSet<>(List.of(known));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!names.contains(name)) {
                throw new ConfigException(path + name, "is not a known field; known here: " + String.join(", ", names));
            }
        }
    }

    boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    private JsonNode get(String name) {
        JsonNode v = node.get(name);
        return v == null ? MissingNode.getInstance() : v;
    }

    String text(String name) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        if (v.isIntegralNumber() || v.isBoolean()) {
            return v.asText();
        }
        if (v.isNumber()) {
            throw new ConfigException(path + name, "must be text; put it in quotes (\"" + v.asText() + "\" may not be what you wrote)");
        }
        throw new ConfigException(path + name, "must be text, was " + describe(v));
    }

    int integer(String name, int fallback) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return v.intValue();
        }
        if (v.isTextual() && v.textValue().strip().matches("-?\\d{1,9}")) {
            return Integer.parseInt(v.textValue().strip());
        }
        throw new ConfigException(path + name, "must be a whole number, was " + describe(v));
    }

    double number(String name, double fallback) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return fallback;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            try {
                return Double.parseDouble(v.textValue().strip());
            } catch (NumberFormatException e) {
                // Reported below.
            }
        }
        throw new ConfigException(path + name, "must be a number, was " + describe(v));
    }

    /** A single value that is true/false (Boolean), a number (Double) or a text (String); null when absent. */
    Object scalar(String name) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            return v.textValue();
        }
        throw new ConfigException(path + name, "must be true, false, a number or a text, was " + describe(v));
    }

    /** A list of texts; a single text is a list of one. */
    List<String> texts(String name) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.textValue());
        }
        if (!v.isArray()) {
            throw new ConfigException(path + name, "must be a list of texts, was " + describe(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new ConfigException(path + name + "[" + i + "]", "must be text, was " + describe(v.get(i)));
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String label = e.toString().toLowerCase(Locale.ROOT);
            allowed.add(label);
            if (label.equals(value.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new ConfigException(path + name, "must be one of " + String.join("|", allowed) + ", was '" + value + "'");
    }

    YamlFields object(String name) {
        return new YamlFields(get(name), path + name + ".");
    }

    List<YamlFields> objects(String name) {
        JsonNode v = get(name);
        if (v.isMissingNode() || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new ConfigException(path + name, "must be a list (lines starting with '- '), was " + describe(v));
        }
        List<YamlFields> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(new YamlFields(v.get(i), path + name + "[" + i + "]."));
        }
        return out;
    }

    private static String describe(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "empty";
        }
        if (v.isObject()) {
            return "a mapping";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isTextual()) {
            return "'" + v.textValue() + "'";
        }
        return v.asText();
    }
}
