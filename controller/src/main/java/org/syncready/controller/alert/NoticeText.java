package org.syncready.controller.alert;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes notices as people read them: Chinese first (school and classroom by their Chinese names,
 * times in the bureau's zone), English as a second line or alone, per the channel's {@link Language}.
 * Every title holds "SyncReady", so a robot secured by a keyword (DingTalk, Feishu) takes it.
 */
final class NoticeText {
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

    private final ZoneId zone;
    private final AlertLinks links;

    NoticeText(ZoneId zone, AlertLinks links) {
        this.zone = zone;
        this.links = links;
    }

    Doc render(Notice n, Language lang, String channelName) {
        return switch (n.trigger()) {
            case "test" -> test(n, lang, channelName);
            default -> switch (n.topic()) {
                case READINESS, ESCALATION -> readiness(n, lang);
                case INCIDENT -> incident(n, lang);
                case OFFLINE -> offline(n, lang);
                case ROLLOUT -> rollout(n, lang);
            };
        };
    }

    /** Several notices as one message, when a burst would exceed the robot's pace. */
    Doc digest(List<Doc> docs, Language lang, int dropped) {
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】汇总：" + docs.size() + " 条通知",
                "SyncReady digest: " + docs.size() + " notices"));
        b.line(0);
        bi(b, lang, "为不超过机器人的发送频率限制，以下 " + docs.size() + " 条通知合并为一条。",
                "Merged into one message to stay within the robot's rate limit.");
        if (dropped > 0) {
            b.line(0);
            bi(b, lang, "另有 " + dropped + " 条较早的通知因积压过多未能送达，请在控制台查看。",
                    dropped + " older notices could not be delivered (backlog full); see the console.");
        }
        for (Doc d : docs) {
            b.line(0).strong(d.title());
            b.doc(d);
        }
        return b.build();
    }

    // ------------------------------------------------------------------ topics

    private Doc readiness(Notice n, Language lang) {
        boolean escalation = n.topic() == AlertTopic.ESCALATION;
        int notReady = 0;
        int atRisk = 0;
        int recovered = 0;
        for (Notice.Item i : n.items()) {
            if (i.change() == Notice.Change.RECOVERED) {
                recovered++;
            } else if ("NOT_READY".equals(i.verdict())) {
                notReady++;
            } else {
                atRisk++;
            }
        }
        List<String> zh = new ArrayList<>();
        List<String> en = new ArrayList<>();
        if (notReady > 0) {
            zh.add(notReady + " 间教室未就绪");
            en.add(notReady + (notReady == 1 ? " classroom" : " classrooms") + " not ready");
        }
        if (atRisk > 0) {
            zh.add(atRisk + " 间有风险");
            en.add(atRisk + " at risk");
        }
        if (recovered > 0) {
            zh.add(recovered + " 间已恢复就绪");
            en.add(recovered + " ready again");
        }
        String whatZh = escalation ? "升级：" + n.trigger() + " 仍未就绪" : switch (n.trigger()) {
            case "repeat" -> "提醒（未确认）";
            case "on-demand" -> "检查";
            default -> n.trigger() + " 课前检查";
        };
        String whatEn = escalation ? "escalation, still not ready at " + n.trigger() : switch (n.trigger()) {
            case "repeat" -> "reminder (not acknowledged)";
            case "on-demand" -> "check";
            default -> n.trigger() + " pre-class check";
        };
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】" + whatZh + "：" + n.schoolZh() + " " + String.join("，", zh),
                "SyncReady " + whatEn + ": " + n.schoolEn() + " - " + String.join(", ", en)));
        if (escalation) {
            b.line(0);
            bi(b, lang, "以下课程在 " + n.trigger() + " 检查时仍未就绪，请教育局协调处理。",
                    "These sessions are still not ready at " + n.trigger() + "; please follow up with the school.");
        }
        for (List<Notice.Item> session : bySession(n.items())) {
            Notice.Item first = session.get(0);
            if (first.sessionId() != null) {
                b.line(0).strong(time(first.sessionStart()) + " " + first.subject()
                        + (lang.chinese() ? "（主讲：" + first.leadZh() + "）" : " (lead: " + first.leadEn() + ")"));
                if (lang == Language.ZH_EN) {
                    b.line(1).text(time(first.sessionStart()) + " " + first.subject() + " (lead: " + first.leadEn() + ")");
                }
            }
            for (Notice.Item i : session) {
                readinessItem(b, lang, i);
            }
            if (first.sessionId() != null) {
                b.line(1).link(lang.chinese() ? "查看课程" : "Open session", links.session(first.sessionId()));
            }
        }
        ackLine(b, n, lang);
        return b.build();
    }

    private void readinessItem(Doc.Builder b, Language lang, Notice.Item i) {
        String tagZh;
        String tagEn;
        if (i.change() == Notice.Change.RECOVERED) {
            tagZh = "【已恢复】";
            tagEn = "READY AGAIN";
        } else {
            boolean nr = "NOT_READY".equals(i.verdict());
            boolean unknown = "UNKNOWN".equals(i.verdict());
            tagZh = nr ? "【未就绪】" : unknown ? "【无法判断】" : "【有风险】";
            tagEn = nr ? "NOT READY" : unknown ? "UNKNOWN" : "AT RISK";
            switch (i.change()) {
                case CHANGED -> {
                    tagZh = tagZh.replace("】", "·有变化】");
                    tagEn += " (changed)";
                }
                case REPEAT -> {
                    tagZh = tagZh.replace("】", "·未确认】");
                    tagEn += " (not acknowledged)";
                }
                default -> {
                }
            }
        }
        if (lang.chinese()) {
            String reasons = i.change() == Notice.Change.RECOVERED ? "已就绪"
                    : String.join("；", i.findings().stream().map(f -> trimEnd(f.zh())).toList());
            b.line(1).text(tagZh).strong(i.classroomZh()).text("：" + reasons + acked(i, true));
        }
        if (lang.english()) {
            String reasons = i.change() == Notice.Change.RECOVERED ? "ready"
                    : String.join("; ", i.findings().stream().map(f -> trimEnd(f.en())).toList());
            b.line(lang == Language.ZH_EN ? 2 : 1).text(tagEn + " " + i.classroomEn() + ": " + reasons + acked(i, false));
        }
    }

    private Doc incident(Notice n, Language lang) {
        long started = n.items().stream().filter(i -> i.change() != Notice.Change.RECOVERED).count();
        long ended = n.items().size() - started;
        List<String> zh = new ArrayList<>();
        List<String> en = new ArrayList<>();
        if (started > 0) {
            zh.add(started + " 个课中故障");
            en.add(started + " in-class " + (started == 1 ? "problem" : "problems"));
        }
        if (ended > 0) {
            zh.add(ended + " 个已结束");
            en.add(ended + " over");
        }
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】课中故障：" + n.schoolZh() + " " + String.join("，", zh),
                "SyncReady in class: " + n.schoolEn() + " - " + String.join(", ", en)));
        for (List<Notice.Item> session : bySession(n.items())) {
            Notice.Item first = session.get(0);
            b.line(0).strong(time(first.sessionStart()) + " " + first.subject()
                    + (lang.chinese() ? "（主讲：" + first.leadZh() + "）" : " (lead: " + first.leadEn() + ")"));
            for (Notice.Item i : session) {
                Notice.Finding f = i.findings().isEmpty() ? new Notice.Finding("", "", "") : i.findings().get(0);
                boolean over = i.change() == Notice.Change.RECOVERED;
                if (lang.chinese()) {
                    b.line(1).text(over ? "【已结束】" : "【课中故障】").strong(i.classroomZh()).text("：" + f.zh()
                            + (over ? "，持续 " + minutes(i.since(), i.until()) + " 分钟" : "（" + time(i.since()) + " 起）"));
                }
                if (lang.english()) {
                    b.line(lang == Language.ZH_EN ? 2 : 1).text((over ? "OVER " : "IN CLASS ") + i.classroomEn() + ": " + f.en()
                            + (over ? ", lasted " + minutes(i.since(), i.until()) + " min" : " (since " + time(i.since()) + ")"));
                }
            }
            b.line(1).link(lang.chinese() ? "查看课程" : "Open session", links.session(first.sessionId()));
        }
        ackLine(b, n, lang);
        return b.build();
    }

    private Doc offline(Notice n, Language lang) {
        long off = n.items().stream().filter(i -> i.change() != Notice.Change.RECOVERED).count();
        long back = n.items().size() - off;
        List<String> zh = new ArrayList<>();
        List<String> en = new ArrayList<>();
        if (off > 0) {
            zh.add(off + " 台录播主机离线");
            en.add(off + (off == 1 ? " box" : " boxes") + " offline");
        }
        if (back > 0) {
            zh.add(back + " 台已恢复在线");
            en.add(back + " back online");
        }
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】设备离线：" + n.schoolZh() + " " + String.join("，", zh),
                "SyncReady offline: " + n.schoolEn() + " - " + String.join(", ", en)));
        for (Notice.Item i : n.items()) {
            boolean over = i.change() == Notice.Change.RECOVERED;
            if (lang.chinese()) {
                b.line(1).text(over ? "【已恢复在线】" : "【离线】").strong(i.classroomZh()).text(" 录播主机 " + i.boxId()
                        + (over ? "" : " 已离线 " + minutes(i.since(), n.at()) + " 分钟（" + time(i.since()) + " 起）")
                        + (i.detailZh() == null || over ? "" : "；" + i.detailZh()));
            }
            if (lang.english()) {
                b.line(lang == Language.ZH_EN ? 2 : 1).text((over ? "BACK ONLINE " : "OFFLINE ") + i.classroomEn() + " box " + i.boxId()
                        + (over ? "" : " for " + minutes(i.since(), n.at()) + " min (since " + time(i.since()) + ")")
                        + (i.detailEn() == null || over ? "" : "; " + i.detailEn()));
            }
        }
        ackLine(b, n, lang);
        return b.build();
    }

    private Doc rollout(Notice n, Language lang) {
        Notice.Item i = n.items().get(0);
        boolean aborted = "ABORTED".equals(i.verdict());
        // A rollout item carries the rollout's id as its subject.
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】配置推送 " + i.subject() + (aborted ? " 已中止" : " 已暂停"),
                "SyncReady rollout " + i.subject() + (aborted ? " aborted" : " paused")));
        if (lang.chinese()) {
            b.line(1).text(i.detailZh());
        }
        if (lang.english()) {
            b.line(lang == Language.ZH_EN ? 2 : 1).text(i.detailEn());
        }
        b.line(1).link(lang.chinese() ? "打开控制台" : "Open the console", links.publicUrl());
        return b.build();
    }

    private Doc test(Notice n, Language lang, String channelName) {
        Doc.Builder b = new Doc.Builder(title(lang, "【SyncReady】测试消息", "SyncReady test message"));
        b.line(0);
        bi(b, lang, "这是来自 SyncReady 的测试消息：渠道「" + channelName + "」配置正确，课前检查发现问题时会在这里通知。",
                "A test message from SyncReady: channel \"" + channelName + "\" works; problems found before class will be posted here.");
        return b.build();
    }

    // ------------------------------------------------------------------ pieces

    private void ackLine(Doc.Builder b, Notice n, Language lang) {
        if (n.id() > 0 && n.hasOpenProblems()) {
            b.line(0).link(lang == Language.EN ? "Acknowledge" : lang == Language.ZH ? "确认收到（停止提醒）" : "确认收到 / Acknowledge",
                    links.ack(n.id()));
        }
    }

    /** A sentence without its final stop, to be joined with others. */
    private static String trimEnd(String s) {
        return s == null ? "" : s.replaceAll("[。.；;\\s]+$", "");
    }

    private static String acked(Notice.Item i, boolean zh) {
        if (i.ackedBy() == null || i.change() == Notice.Change.RECOVERED) {
            return "";
        }
        return zh ? "（已由 " + i.ackedBy() + " 确认）" : " (acknowledged by " + i.ackedBy() + ")";
    }

    private static void bi(Doc.Builder b, Language lang, String zh, String en) {
        if (lang.chinese()) {
            b.text(zh);
        }
        if (lang == Language.ZH_EN) {
            b.text(" ");
        }
        if (lang.english()) {
            b.text(en);
        }
    }

    private static String title(Language lang, String zh, String en) {
        return switch (lang) {
            case ZH -> zh;
            case EN -> en;
            case ZH_EN -> zh + " / " + en;
        };
    }

    /** Items grouped by session in start order (items without a session last, in their order). */
    private static List<List<Notice.Item>> bySession(List<Notice.Item> items) {
        Map<String, List<Notice.Item>> groups = new LinkedHashMap<>();
        items.stream().sorted(Comparator.comparing((Notice.Item i) -> i.sessionStart() == null ? Instant.MAX : i.sessionStart())
                        .thenComparing(i -> i.sessionId() == null ? "" : i.sessionId()))
                .forEach(i -> groups.computeIfAbsent(i.sessionId() == null ? "-" : i.sessionId(), k -> new ArrayList<>()).add(i));
        return new ArrayList<>(groups.values());
    }

    /** {@code HH:mm} in the bureau's zone. */
    String time(Instant t) {
        if (t == null) {
            return "";
        }
        return HM.format(t.atZone(zone));
    }

    private static long minutes(Instant from, Instant to) {
        if (from == null || to == null) {
            return 0;
        }
        return Math.max(0, Duration.between(from, to).toMinutes());
    }
}
