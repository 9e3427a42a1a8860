package org.syncready.controller.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in what the API answers and what the audit log keeps: configuration bodies and
 * overrides (camera RTSP URLs with a user and password, stream push URLs with a key in the query),
 * diffs of them, request bodies, and URLs inside free text (error messages). In every URL the user
 * info and the query become {@code ***} (the rule PROTOCOL.md sets for {@code stream.target}); every
 * JSON field whose name says password, secret, token or credential becomes {@code ***}.
 */
public final class SecretMask {
    public static final String MASK = "***";
    /** A URL inside free text: up to whitespace, a quote or an angle bracket. */
    private static final Pattern URL_IN_TEXT = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\\s\"'<>]+");
    private static final Pattern URL = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]{0,31}://)([^?#]*)(\\?[^#]*)?(#.*)?", Pattern.DOTALL);
    private static final Pattern SECRET_FIELD = Pattern.compile("(?i).*(password|passwd|secret|token|credential|apikey|api_key).*");

    private SecretMask() {
    }

    /** A copy of {@code node} with every secret masked; {@code node} itself is not changed. */
    public static JsonNode mask(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        maskInPlace(copy);
        return copy;
    }

    /** True when masking would change {@code node}. */
    public static boolean hasSecrets(JsonNode node) {
        return node != null && !mask(node).equals(node);
    }

    private static JsonNode maskInPlace(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (SECRET_FIELD.matcher(f.getKey()).matches() && !f.getValue().isNull() && !f.getValue().isContainerNode()) {
                    f.setValue(TextNode.valueOf(MASK));
                } else {
                    f.setValue(maskInPlace(f.getValue()));
                }
            }
            return o;
        }
        if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, maskInPlace(a.get(i)));
            }
            return a;
        }
        if (node.isTextual()) {
            String masked = maskUrl(node.asText());
            return masked.equals(node.asText()) ? node : TextNode.valueOf(masked);
        }
        return node;
    }

    /**
     * {@code rtsp://admin:pw@10.0.0.7/live?token=x} → {@code rtsp://***@10.0.0.7/live?***}; text that is
     * not a URL is returned as it is. Everything between {@code ://} and the last {@code @} before the
     * query counts as user info, so a password with a {@code /} in it is masked whole.
     */
    public static String maskUrl(String text) {
        Matcher m = URL.matcher(text);
        if (!m.matches()) {
            return text;
        }
        String rest = m.group(2);
        int at = rest.lastIndexOf('@');
        StringBuilder out = new StringBuilder(m.group(1));
        out.append(at >= 0 ? MASK + rest.substring(at) : rest);
        if (m.group(3) != null) {
            out.append('?').append(MASK);
        }
        if (m.group(4) != null) {
            out.append('#').append(MASK);
        }
        return out.toString();
    }

    /** {@code text} with every URL in it masked (see {@link #maskUrl}); null stays null. */
    public static String maskText(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher m = URL_IN_TEXT.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(maskUrl(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }
}
