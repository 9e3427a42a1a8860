package org.syncready.controller.alert;

import java.util.ArrayList;
import java.util.List;

/**
 * A message before it is put in a platform's format: a title and paragraphs of text, strong text
 * and links. {@link Formats} turns it into DingTalk or WeCom markdown, a Feishu post, plain text or
 * HTML, so every platform says the same thing.
 */
record Doc(String title, List<Para> paras) {
    Doc {
        paras = List.copyOf(paras);
    }

    /** A paragraph (one line in chat), indented by {@code indent} levels. */
    record Para(int indent, List<Span> spans) {
        Para {
            spans = List.copyOf(spans);
        }
    }

    sealed interface Span permits Text, Strong, Link {
    }

    record Text(String text) implements Span {
    }

    record Strong(String text) implements Span {
    }

    record Link(String text, String href) implements Span {
    }

    /** Builds a document paragraph by paragraph. */
    static final class Builder {
        private final String title;
        private final List<Para> paras = new ArrayList<>();
        private List<Span> current;
        private int indent;

        Builder(String title) {
            this.title = title;
        }

        Builder line(int level) {
            flush();
            current = new ArrayList<>();
            indent = level;
            return this;
        }

        Builder text(String s) {
            if (s != null && !s.isEmpty()) {
                current.add(new Text(s));
            }
            return this;
        }

        Builder strong(String s) {
            current.add(new Strong(s));
            return this;
        }

        Builder link(String text, String href) {
            current.add(new Link(text, href));
            return this;
        }

        Builder doc(Doc other) {
            flush();
            paras.addAll(other.paras());
            return this;
        }

        private void flush() {
            if (current != null && !current.isEmpty()) {
                paras.add(new Para(indent, current));
            }
            current = null;
        }

        Doc build() {
            flush();
            return new Doc(title, paras);
        }
    }
}
