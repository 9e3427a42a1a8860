package org.syncready.controller.console.tasks;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.syncready.controller.api.ApiContext;

/**
 * The fields of a form a page posted: an URL-encoded body, or the non-file fields of a multipart upload. A
 * field may come several times (checkboxes of the same name): {@link #all} has every value, in order.
 */
record FormInput(Map<String, List<String>> fields) {

    static FormInput of(RoutingContext ctx) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String type = ctx.request().getHeader("content-type");
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (t.startsWith("multipart/")) {
            MultiMap attributes = ctx.request().formAttributes();
            for (String name : attributes.names()) {
                out.put(name, new ArrayList<>(attributes.getAll(name)));
            }
        } else if (t.startsWith("application/x-www-form-urlencoded")) {
            String body = new String(ApiContext.bytes(ctx), StandardCharsets.UTF_8);
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                } catch (IllegalArgumentException e) {
                    // A malformed %-escape: that field is left out, and the page says what is missing.
                }
            }
        }
        return new FormInput(out);
    }

    /** The first value, stripped; null when absent or blank. */
    String get(String name) {
        List<String> v = fields.get(name);
        if (v == null || v.isEmpty() || v.get(0).isBlank()) {
            return null;
        }
        return v.get(0).strip();
    }

    /** The first value as typed (a password keeps its spaces); null when absent or empty. */
    String raw(String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() || v.get(0).isEmpty() ? null : v.get(0);
    }

    /** Every non-blank value, stripped. */
    List<String> all(String name) {
        return fields.getOrDefault(name, List.of()).stream().filter(s -> !s.isBlank()).map(String::strip).toList();
    }

    /** A checkbox: present with any value but {@code false}. */
    boolean checked(String name) {
        String v = get(name);
        return v != null && !v.equalsIgnoreCase("false");
    }
}
