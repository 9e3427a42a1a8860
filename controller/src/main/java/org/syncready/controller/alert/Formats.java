package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@link Doc} in each platform's format. Indentation is written with ideographic spaces (U+3000):
 * every platform shows them, where list syntax differs (WeCom's markdown has no lists).
 */
final class Formats {
    private static final String INDENT = "\u3000";

    private Formats() {
    }

    /**
     * DingTalk and WeCom markdown. DingTalk wants a blank line between paragraphs to break lines;
     * WeCom breaks on a single newline and counts every byte against its 4,096.
     */
    static String markdown(Doc d, ChannelKind kind) {
        String sep = kind == ChannelKind.WECOM ? "\n" : "\n\n";
        StringBuilder s = new StringBuilder();
        s.append(kind == ChannelKind.WECOM ? "### " : "#### ").append(escape(d.title()));
        for (Doc.Para p : d.paras()) {
            s.append(sep).append(INDENT.repeat(p.indent()));
            for (Doc.Span span : p.spans()) {
                if (span instanceof Doc.Text t) {
                    s.append(escape(t.text()));
                } else if (span instanceof Doc.Strong t) {
                    s.append("**").append(escape(t.text())).append("**");
                } else if (span instanceof Doc.Link l) {
                    s.append('[').append(escape(l.text())).append("](").append(l.href()).append(')');
                }
            }
        }
        return s.toString();
    }

    /** Plain text: e-mail's text part and the webhook's {@code text}. Links as "text: URL". */
    static String text(Doc d) {
        StringBuilder s = new StringBuilder(d.title());
        for (Doc.Para p : d.paras()) {
            s.append('\n').append("  ".repeat(p.indent()));
            for (Doc.Span span : p.spans()) {
                if (span instanceof Doc.Text t) {
                    s.append(t.text());
                } else if (span instanceof Doc.Strong t) {
                    s.append(t.text());
                } else if (span instanceof Doc.Link l) {
                    s.append(l.text()).append(": ").append(l.href());
                }
            }
        }
        return s.append('\n').toString();
    }

    /** E-mail's HTML part: one paragraph per line, links clickable, everything escaped. */
    static String html(Doc d) {
        StringBuilder s = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
                .append(html(d.title())).append("</title></head><body style=\"font-family:sans-serif\"><h3>")
                .append(html(d.title())).append("</h3>");
        for (Doc.Para p : d.paras()) {
            s.append("<p style=\"margin:4px 0 4px ").append(p.indent() * 24).append("px\">");
            for (Doc.Span span : p.spans()) {
                if (span instanceof Doc.Text t) {
                    s.append(html(t.text()));
                } else if (span instanceof Doc.Strong t) {
                    s.append("<b>").append(html(t.text())).append("</b>");
                } else if (span instanceof Doc.Link l) {
                    s.append("<a href=\"").append(html(l.href())).append("\">").append(html(l.text())).append("</a>");
                }
            }
            s.append("</p>");
        }
        return s.append("</body></html>").toString();
    }

    /** Feishu's rich text ({@code msg_type: post}): one line of tags per paragraph. */
    static ObjectNode feishuPost(Doc d, ObjectMapper json) {
        ObjectNode zh = json.createObjectNode().put("title", d.title());
        ArrayNode lines = zh.putArray("content");
        for (Doc.Para p : d.paras()) {
            ArrayNode line = lines.addArray();
            if (p.indent() > 0) {
                line.addObject().put("tag", "text").put("text", INDENT.repeat(p.indent()));
            }
            for (Doc.Span span : p.spans()) {
                if (span instanceof Doc.Text t) {
                    line.addObject().put("tag", "text").put("text", t.text());
                } else if (span instanceof Doc.Strong t) {
                    line.addObject().put("tag", "text").put("text", t.text()).putArray("style").add("bold");
                } else if (span instanceof Doc.Link l) {
                    line.addObject().put("tag", "a").put("text", l.text()).put("href", l.href());
                }
            }
        }
        ObjectNode post = json.createObjectNode();
        post.putObject("post").set("zh_cn", zh);
        return post;
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '_' || c == '[' || c == ']' || c == '`') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
