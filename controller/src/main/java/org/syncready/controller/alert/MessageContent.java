package org.syncready.controller.alert;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a stored message says when it goes: its notices read back from the store and rendered as the
 * channel shows them, alone or merged into a digest, and cut to what the platform takes. Rendering
 * happens at send time, not at queue time, so a channel's language or minimum level changed while a
 * message waits applies to it.
 */
final class MessageContent {
    /** Logged under Delivery: a cut message is part of the delivery story operators follow there. */
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final AlertStore store;
    private final Map<ChannelKind, Sender> senders;
    private final NoticeText text;

    /** The waiting messages that fit in one digest, with their rendered notices. */
    record Digest(List<OutboxMessage> parts, List<Doc> docs, List<Notice> notices) {
    }

    MessageContent(AlertStore store, Map<ChannelKind, Sender> senders, NoticeText text) {
        this.store = store;
        this.senders = senders;
        this.text = text;
    }

    String title(AlertChannel channel, Notice notice) {
        return text.render(notice, channel.language(), channel.name()).title();
    }

    List<Notice> notices(OutboxMessage m) {
        List<Notice> out = new ArrayList<>();
        for (long id : m.noticeIds()) {
            store.notice(id).ifPresent(r -> out.add(r.notice()));
        }
        return out;
    }

    /** The notice as this channel shows it: its language, its minimum level. */
    Doc render(AlertChannel c, Notice n) {
        List<Notice.Item> items = n.items().stream().filter(i -> i.level() == null || i.level().atLeast(c.minLevel())).toList();
        Notice shown = items.isEmpty() ? n : new Notice(n.id(), n.topic(), n.schoolId(), n.schoolZh(), n.schoolEn(), n.trigger(), n.at(), items);
        return text.render(shown, c.language(), c.name());
    }

    /** The document a message sends: a digest of its notices, its one notice, or null when the notice is gone. */
    Doc doc(AlertChannel c, OutboxMessage m, List<Notice> notices) {
        return m.digest() ? text.digest(notices.stream().map(n -> render(c, n)).toList(), c.language(), 0)
                : notices.isEmpty() ? null : render(c, notices.get(0));
    }

    Doc digestDoc(List<Doc> docs, AlertChannel c, int dropped) {
        return text.digest(docs, c.language(), dropped);
    }

    /**
     * As many of the waiting messages, oldest first, as fit in one digest the platform takes (at least
     * one). Each message is rendered for its own channel; the digest is in the lane's first channel's language.
     */
    Digest digest(AlertChannel c, List<OutboxMessage> waiting, Map<String, AlertChannel> channels, int dropped) {
        Sender sender = senders.get(c.kind());
        List<OutboxMessage> parts = new ArrayList<>();
        List<Doc> docs = new ArrayList<>();
        List<Notice> notices = new ArrayList<>();
        for (OutboxMessage m : waiting) {
            List<Notice> these = notices(m);
            List<Doc> theseDocs = these.stream().map(n -> render(channels.getOrDefault(m.channelId(), c), n)).toList();
            List<Doc> tryDocs = new ArrayList<>(docs);
            tryDocs.addAll(theseDocs);
            List<Notice> tryNotices = new ArrayList<>(notices);
            tryNotices.addAll(these);
            Doc digest = text.digest(tryDocs, c.language(), dropped);
            if (!parts.isEmpty() && sender.measure(c, new Sender.Outgoing(0, digest, tryNotices, true, false)) > c.kind().maxBytes()) {
                break;
            }
            parts.add(m);
            docs = tryDocs;
            notices = tryNotices;
        }
        return new Digest(parts, docs, notices);
    }

    /**
     * The message cut to what the platform takes (a school with forty broken classrooms is more than
     * WeCom's 4,096 bytes): as many lines as fit, and a last line saying how many are left out.
     */
    static Sender.Outgoing fit(AlertChannel c, Sender sender, Sender.Outgoing out) {
        int max = c.kind().maxBytes();
        if (sender.measure(c, out) <= max) {
            return out;
        }
        List<Doc.Para> paras = out.doc().paras();
        int lo = 0;
        int hi = paras.size();
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            if (sender.measure(c, with(out, cut(out.doc(), mid))) <= max) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        log.info("alerts: channel={} message {} cut to {} of {} lines to fit {} bytes", c.id(), out.deliveryId(), lo, paras.size(), max);
        return with(out, cut(out.doc(), lo));
    }

    private static Doc cut(Doc doc, int keep) {
        List<Doc.Para> paras = new ArrayList<>(doc.paras().subList(0, keep));
        int left = doc.paras().size() - keep;
        paras.add(new Doc.Para(0, List.of(new Doc.Text("……内容过长，另有 " + left + " 行请在控制台查看 / " + left
                + " more lines in the console"))));
        return new Doc(doc.title(), paras);
    }

    private static Sender.Outgoing with(Sender.Outgoing out, Doc doc) {
        return new Sender.Outgoing(out.deliveryId(), doc, out.notices(), out.digest(), out.test());
    }
}
