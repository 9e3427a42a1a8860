package org.syncready.controller.alert;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.rollout.RolloutState;
import org.syncready.controller.schedule.SyncSession;

/**
 * The state behind {@link Alerts}: every {@link Problem}, what the readiness checks, incidents,
 * rollouts and the live fleet change about them, and what is told to whom ({@link #flush}: one
 * notice per topic and school, stored, then queued per channel). Quiet hours and maintenance windows
 * hold a school's problems back. Changed problems are saved together ({@link #commit}).
 *
 * <p>Not thread-safe: used on the {@code alerts} thread only. Just over 500 lines: one state machine
 * (open, told, changed, reminded, escalated, acknowledged, over) is easier to follow in one place.
 */
final class ProblemTracker {
    private static final Logger log = LoggerFactory.getLogger(ProblemTracker.class);
    private static final Duration FLUSH_DEBOUNCE = Duration.ofMillis(300);

    private final Alerts.Settings settings;
    private final AlertStore store;
    private final Alerts.Sources sources;
    private final Clock clock;
    private final ZoneId zone;
    private final NoticeText text;
    private final Delivery delivery;
    private final Map<String, AlertChannel> channels;
    private final ScheduledExecutorService thread;
    final Map<String, Problem> problems = new HashMap<>();
    /** Changed since the last commit: saved together at the end of each piece of work. */
    private final Map<String, Problem> dirty = new LinkedHashMap<>();
    final Map<String, QuietHours> quiet = new HashMap<>();
    final List<Maintenance> maintenance = new ArrayList<>();
    private final Set<String> noChannelLogged = new HashSet<>();
    private boolean flushScheduled;
    /** Offline durations count from here at the earliest: after a restart every box starts offline. */
    Instant startedAt;

    ProblemTracker(Alerts.Settings settings, AlertStore store, Alerts.Sources sources, Clock clock, ZoneId zone, NoticeText text,
                   Delivery delivery, Map<String, AlertChannel> channels, ScheduledExecutorService thread) {
        this.settings = settings;
        this.store = store;
        this.sources = sources;
        this.clock = clock;
        this.zone = zone;
        this.text = text;
        this.delivery = delivery;
        this.channels = channels;
        this.thread = thread;
    }

    /** Forgets unsaved changes (the work that made them failed). */
    void discard() {
        dirty.clear();
    }

    // ------------------------------------------------------------------ readiness

    void onCheck(String trigger, List<SessionReadiness> results) {
        Instant now = clock.instant();
        boolean escalating = trigger.equals(settings.escalateAt());
        for (SessionReadiness r : results) {
            SyncSession s = sources.sessions().get(r.sessionId()).orElse(null);
            if (s == null || !s.start().isAfter(now)) {
                continue;
            }
            for (ClassroomReadiness c : r.classrooms()) {
                String key = "ready|" + s.id() + "|" + c.classroomId();
                Problem existing = problems.get(key);
                if (c.verdict() == Verdict.READY) {
                    if (existing != null && existing.isOpen()) {
                        put(existing.closed(now, true));
                    }
                    continue;
                }
                AlertLevel level = c.verdict() == Verdict.NOT_READY ? AlertLevel.CRITICAL : AlertLevel.WARNING;
                Notice.Item item = readinessItem(key, s, c, level);
                String fingerprint = fingerprint(c);
                Problem p = existing != null && existing.isOpen()
                        ? existing.seen(level, item.ackedBy(existing.ackedBy()), fingerprint, trigger, now)
                        : Problem.open(key, AlertTopic.READINESS, level, schoolList(c.schoolId(), c.classroomId()), c.classroomId(),
                        item, fingerprint, trigger, now, s.start());
                if (escalating && c.verdict() == Verdict.NOT_READY && p.escalatedAt() == null) {
                    p = p.escalation(true, now);
                }
                put(p);
            }
        }
        scheduleFlush();
    }

    private Notice.Item readinessItem(String key, SyncSession s, ClassroomReadiness c, AlertLevel level) {
        List<Notice.Finding> findings = new ArrayList<>();
        for (Reason reason : c.reasons()) {
            if (reason.severity() != Severity.INFO) {
                findings.add(new Notice.Finding(reason.key(), reason.zh(), reason.en()));
            }
        }
        if (findings.isEmpty()) {
            findings.add(new Notice.Finding(c.verdict().name(), "原因未知", "reason unknown"));
        }
        Names room = room(c.classroomId());
        Names lead = room(s.leadClassroomId());
        return new Notice.Item(key, Notice.Change.NEW, level, c.classroomId(), room.zh(), room.en(), c.boxId(), s.id(), s.subject(),
                s.start(), lead.zh(), lead.en(), c.verdict().name(), findings, null, null, null, null, null);
    }

    /** Verdict and reasons: the same fingerprint is the same problem, told once. */
    private static String fingerprint(ClassroomReadiness c) {
        Set<String> reasons = new TreeSet<>();
        for (Reason r : c.reasons()) {
            if (r.severity() != Severity.INFO) {
                reasons.add(r.key() + ":" + r.severity());
            }
        }
        return c.verdict() + "|" + String.join(",", reasons);
    }

    // ------------------------------------------------------------------ incidents

    void onIncidentOpened(Incident i, String schoolId, Reason reason) {
        Instant now = clock.instant();
        SyncSession s = sources.sessions().get(i.sessionId()).orElse(null);
        String key = "incident|" + i.id();
        if (problems.containsKey(key)) {
            return;
        }
        Names room = room(i.classroomId());
        Names lead = s == null ? new Names("", "") : room(s.leadClassroomId());
        AlertLevel level = i.severity() == Severity.BLOCKING ? AlertLevel.CRITICAL : AlertLevel.WARNING;
        Notice.Item item = new Notice.Item(key, Notice.Change.NEW, level, i.classroomId(), room.zh(), room.en(), i.boxId(),
                i.sessionId(), s == null ? "" : s.subject(), s == null ? null : s.start(), lead.zh(), lead.en(), i.severity().name(),
                List.of(new Notice.Finding(reason.key(), reason.zh(), reason.en())), i.start(), null, null, null, null);
        Instant expires = s == null ? now.plus(Duration.ofHours(2)) : s.end().plus(Duration.ofMinutes(30));
        put(Problem.open(key, AlertTopic.INCIDENT, level, schoolList(schoolId, i.classroomId()), i.classroomId(), item,
                reason.key(), "in-class", now, expires));
        scheduleFlush();
    }

    void onIncidentClosed(Incident i, Instant end) {
        Problem p = problems.get("incident|" + i.id());
        if (p != null && p.isOpen()) {
            put(p.closed(end, true));
            scheduleFlush();
        }
    }

    // ------------------------------------------------------------------ rollouts

    void onRolloutStopped(String id, RolloutState state, String reason, String target, List<String> boxIds) {
        Instant now = clock.instant();
        Set<String> schools = new TreeSet<>();
        for (String box : boxIds) {
            sources.registry().schoolOf(box).ifPresent(schools::add);
        }
        boolean aborted = state == RolloutState.ABORTED;
        String zh = "目标：" + target + "；原因：" + reason + "；涉及 " + schools.size() + " 所学校、" + boxIds.size() + " 台录播主机";
        String en = "target: " + target + "; reason: " + reason + "; " + schools.size() + " school(s), " + boxIds.size() + " box(es)";
        String key = "rollout|" + id + "|" + state.label();
        Notice.Item item = new Notice.Item(key, Notice.Change.NEW, aborted ? AlertLevel.CRITICAL : AlertLevel.WARNING, null, null, null,
                null, null, id, null, null, null, state.name(), List.of(), now, null, null, zh, en);
        put(Problem.open(key, AlertTopic.ROLLOUT, item.level(), new ArrayList<>(schools), null, item, state.name(), "rollout", now,
                now.plus(Duration.ofDays(1))));
        scheduleFlush();
    }

    // ------------------------------------------------------------------ offline boxes, reminders, quiet hours

    void scanOffline() {
        Instant now = clock.instant();
        long dataNow = sources.dataClock().millis();
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant endOfDay = today.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, SyncSession> next = new HashMap<>();
        Set<String> inClass = new HashSet<>();
        for (SyncSession s : sources.sessions().overlapping(now, endOfDay)) {
            for (String room : s.classroomIds()) {
                if (s.runningAt(now)) {
                    inClass.add(room);
                } else if (s.start().isAfter(now)) {
                    next.merge(room, s, (a, b) -> a.start().isBefore(b.start()) ? a : b);
                }
            }
        }
        boolean changed = false;
        for (Box box : sources.registry().boxes()) {
            String key = "offline|" + box.id();
            Problem open = problems.get(key);
            Optional<BoxSnapshot> snap = sources.fleet().snapshot(box.id());
            boolean offline = snap.map(b -> b.presence() == Presence.OFFLINE).orElse(false);
            if (!offline) {
                if (open != null && open.isOpen()) {
                    put(open.closed(now, true));
                    changed = true;
                }
                continue;
            }
            if (inClass.contains(box.classroomId())) {
                if (open != null && open.isOpen()) {
                    put(open.closed(now, false)); // in class, the incident tells it
                    changed = true;
                }
                continue;
            }
            long since = Math.max(snap.get().lastSeen() == null ? 0 : snap.get().lastSeen(), startedAt.toEpochMilli());
            SyncSession upcoming = next.get(box.classroomId());
            if (open != null && open.isOpen() || upcoming == null || dataNow - since < settings.offlineAfter().toMillis()) {
                continue;
            }
            Names room = room(box.classroomId());
            Instant offlineSince = now.minusMillis(dataNow - since);
            Notice.Item item = new Notice.Item(key, Notice.Change.NEW, AlertLevel.CRITICAL, box.classroomId(), room.zh(), room.en(),
                    box.id(), null, null, null, null, null, "OFFLINE", List.of(), offlineSince, null, null,
                    "下一节课 " + text.time(upcoming.start()) + " " + upcoming.subject(),
                    "next class " + text.time(upcoming.start()) + " " + upcoming.subject());
            put(Problem.open(key, AlertTopic.OFFLINE, AlertLevel.CRITICAL,
                    schoolList(sources.registry().schoolOfClassroom(box.classroomId()).orElse(null), box.classroomId()), box.classroomId(),
                    item, "OFFLINE", "offline", now, now.plus(Duration.ofHours(12))));
            changed = true;
        }
        if (changed) {
            scheduleFlush();
        }
    }

    // ------------------------------------------------------------------ telling people

    void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            thread.schedule(() -> {
                flushScheduled = false;
                try {
                    flush();
                    commit();
                } catch (RuntimeException e) {
                    dirty.clear();
                    log.error("alerts: sending notices failed: {}", e.toString(), e);
                }
            }, FLUSH_DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Groups everything there is to tell into one notice per topic and school, and queues it per channel. */
    void flush() {
        Instant now = clock.instant();
        Map<GroupKey, List<Problem>> groups = new LinkedHashMap<>();
        Map<GroupKey, List<Notice.Item>> items = new LinkedHashMap<>();
        Map<String, Problem> after = new LinkedHashMap<>();
        for (Problem p : new ArrayList<>(problems.values())) {
            if (p.isOpen() && p.expiresAt() != null && !now.isBefore(p.expiresAt())) {
                put(p.closed(now, false)); // its class started: in-class checks take over
                continue;
            }
            if (!p.live()) {
                problems.remove(p.key());
                continue;
            }
            if (p.topic() == AlertTopic.ROLLOUT) {
                add(groups, items, new GroupKey(AlertTopic.ROLLOUT, null, p.key()), p, p.item().with(Notice.Change.NEW));
                after.put(p.key(), p.announced(now, false).closed(now, false));
                continue;
            }
            if (suppressed(p, now)) {
                continue;
            }
            String school = p.schoolId();
            GroupKey group = new GroupKey(p.topic(), school, null);
            if (!p.isOpen()) {
                add(groups, items, group, p, p.item().with(Notice.Change.RECOVERED));
                after.put(p.key(), p.announced(now, false));
                continue;
            }
            Problem told = p;
            if (p.announcedAt() == null) {
                add(groups, items, group, p, p.item().with(Notice.Change.NEW));
                told = p.announced(now, false);
            } else if (!p.fingerprint().equals(p.announcedFingerprint())) {
                add(groups, items, group, p, p.item().with(Notice.Change.CHANGED));
                told = p.announced(now, false);
            } else if (repeatDue(p, now)) {
                Problem checked = recheck(p, now);
                if (!checked.isOpen()) {
                    add(groups, items, group, checked, checked.item().with(Notice.Change.RECOVERED));
                    told = checked.announced(now, false);
                } else if (!checked.fingerprint().equals(checked.announcedFingerprint())) {
                    add(groups, items, group, checked, checked.item().with(Notice.Change.CHANGED));
                    told = checked.announced(now, false);
                } else {
                    add(groups, items, new GroupKey(p.topic(), school, "repeat"), checked, checked.item().with(Notice.Change.REPEAT));
                    told = checked.announced(now, true);
                }
            }
            if (told.escalationDue()) {
                add(groups, items, new GroupKey(AlertTopic.ESCALATION, school, null), told, told.item().with(Notice.Change.ESCALATED));
                told = told.escalation(false, now);
            }
            if (told != p) {
                after.put(p.key(), told);
            }
        }
        List<GroupKey> keys = new ArrayList<>(items.keySet());
        keys.sort(Comparator.comparing((GroupKey k) -> k.topic().ordinal())
                .thenComparing(k -> k.schoolId() == null ? "" : k.schoolId())
                .thenComparing(k -> k.variant() == null ? "" : k.variant()));
        tell(keys, groups, items, now);
        after.values().forEach(this::put);
    }

    private record GroupKey(AlertTopic topic, String schoolId, String variant) {
    }

    private static void add(Map<GroupKey, List<Problem>> groups, Map<GroupKey, List<Notice.Item>> items, GroupKey key, Problem p,
                            Notice.Item item) {
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        items.computeIfAbsent(key, k -> new ArrayList<>()).add(item);
    }

    private boolean repeatDue(Problem p, Instant now) {
        if (p.topic() != AlertTopic.READINESS || p.level() != AlertLevel.CRITICAL || p.acknowledged() || p.announcedAt() == null
                || settings.repeatEvery().isZero() || (p.expiresAt() != null && !now.isBefore(p.expiresAt()))) {
            return false;
        }
        Instant last = p.lastRepeatAt() != null && p.lastRepeatAt().isAfter(p.announcedAt()) ? p.lastRepeatAt() : p.announcedAt();
        return !now.isBefore(last.plus(settings.repeatEvery()));
    }

    /** Before a reminder: the classroom judged now (it may have been fixed since the last check). */
    private Problem recheck(Problem p, Instant now) {
        SyncSession s = p.item().sessionId() == null ? null : sources.sessions().get(p.item().sessionId()).orElse(null);
        if (s == null) {
            return p;
        }
        Optional<ClassroomReadiness> c = sources.verdicts().now(s).flatMap(r -> r.classrooms().stream()
                .filter(x -> x.classroomId().equals(p.classroomId())).findFirst());
        if (c.isEmpty()) {
            return p;
        }
        if (c.get().verdict() == Verdict.READY) {
            return p.closed(now, true);
        }
        AlertLevel level = c.get().verdict() == Verdict.NOT_READY ? AlertLevel.CRITICAL : AlertLevel.WARNING;
        return p.seen(level, readinessItem(p.key(), s, c.get(), level).ackedBy(p.ackedBy()), fingerprint(c.get()), p.trigger(), now);
    }

    /**
     * Stores one notice per group (one transaction) and queues it to every channel that takes it (one
     * more). A notice no channel takes is stored for the API's history, except reminders.
     */
    private void tell(List<GroupKey> all, Map<GroupKey, List<Problem>> groups, Map<GroupKey, List<Notice.Item>> items, Instant now) {
        Map<GroupKey, List<AlertChannel>> targets = new LinkedHashMap<>();
        for (GroupKey key : all) {
            Set<String> schools = new HashSet<>();
            groups.get(key).forEach(p -> schools.addAll(p.schools()));
            List<AlertChannel> to = targets(key.topic(), key.schoolId(), schools, items.get(key));
            if (!to.isEmpty() || !"repeat".equals(key.variant())) {
                targets.put(key, to);
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        List<GroupKey> keys = new ArrayList<>(targets.keySet());
        List<Notice> notices = new ArrayList<>(keys.size());
        for (GroupKey key : keys) {
            String school = key.schoolId();
            Names names = school == null ? new Names(null, null) : schoolNames(school);
            List<Problem> about = groups.get(key);
            String trigger = switch (key.topic()) {
                case ROLLOUT -> "rollout";
                case INCIDENT -> "in-class";
                case OFFLINE -> "offline";
                case ESCALATION -> settings.escalateAt();
                case READINESS -> "repeat".equals(key.variant()) ? "repeat" : about.stream()
                        .filter(Problem::isOpen).map(Problem::trigger).filter(Objects::nonNull)
                        .findFirst().orElse(about.get(0).trigger() == null ? "check" : about.get(0).trigger());
            };
            notices.add(new Notice(0, key.topic(), school, names.zh(), names.en(), trigger, now, items.get(key)));
        }
        List<Long> ids = store.insertNotices(notices);
        List<Delivery.Queued> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            GroupKey key = keys.get(i);
            Notice notice = notices.get(i).withId(ids.get(i));
            List<AlertChannel> to = targets.get(key);
            Instant expires = expiry(key.topic(), groups.get(key), now);
            to.forEach(c -> out.add(new Delivery.Queued(c, notice, expires)));
            if (to.isEmpty()) {
                String what = key.topic().label() + "|" + (key.schoolId() == null ? "bureau" : key.schoolId());
                if (noChannelLogged.add(what)) {
                    log.info("alerts: no channel takes {} notices{}; notice {} is stored only", key.topic().label(),
                            key.schoolId() == null ? "" : " of school=" + key.schoolId(), notice.id());
                }
            } else {
                log.info("alerts: notice {} {} {} school={} ({} item(s)) to {} channel(s)", notice.id(), key.topic().label(),
                        notice.trigger(), key.schoolId() == null ? "-" : key.schoolId(), notice.items().size(), to.size());
            }
        }
        delivery.enqueue(out);
    }

    /** The channels a notice goes to: its school's and the bureau's that take its topic at one of its levels. */
    private List<AlertChannel> targets(AlertTopic topic, String school, Set<String> schools, List<Notice.Item> items) {
        List<AlertChannel> out = new ArrayList<>();
        for (AlertChannel c : channels.values()) {
            boolean mine = switch (topic) {
                case ESCALATION -> c.bureau();
                case ROLLOUT -> c.bureau() || schools.contains(c.schoolId());
                default -> c.bureau() || Objects.equals(c.schoolId(), school);
            };
            if (mine && items.stream().anyMatch(i -> c.takes(topic, i.level()))) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(AlertChannel::id));
        return out;
    }

    /** After this a message about these problems is moot: the classes are over. */
    private Instant expiry(AlertTopic topic, List<Problem> about, Instant now) {
        Instant latest = null;
        for (Problem p : about) {
            SyncSession s = p.item().sessionId() == null ? null : sources.sessions().get(p.item().sessionId()).orElse(null);
            Instant end = s == null ? null : s.end().plus(Duration.ofMinutes(30));
            if (end != null && (latest == null || end.isAfter(latest))) {
                latest = end;
            }
        }
        if (latest != null) {
            return latest;
        }
        return now.plus(topic == AlertTopic.ROLLOUT ? Duration.ofDays(1) : Duration.ofHours(12));
    }

    private boolean suppressed(Problem p, Instant now) {
        String school = p.schoolId();
        if (school == null) {
            return false;
        }
        QuietHours q = quiet.get(school);
        if (q != null && q.covers(now.atZone(zone).toLocalTime())) {
            return true;
        }
        for (Maintenance m : maintenance) {
            if (m.covers(school, p.classroomId(), now)) {
                return true;
            }
        }
        return false;
    }

    void put(Problem p) {
        problems.put(p.key(), p);
        dirty.put(p.key(), p);
    }

    /** Saves what changed, in one transaction. Alerts thread, at the end of each piece of work. */
    void commit() {
        if (!dirty.isEmpty()) {
            List<Problem> changed = new ArrayList<>(dirty.values());
            dirty.clear();
            store.saveProblems(changed);
        }
    }

    // ------------------------------------------------------------------ names

    private record Names(String zh, String en) {
    }

    private Names room(String classroomId) {
        Optional<Classroom> c = classroomId == null ? Optional.empty() : sources.registry().classroom(classroomId);
        if (c.isEmpty()) {
            return new Names(classroomId, classroomId);
        }
        Names school = schoolNames(c.get().schoolId());
        // Demo and imported names often already start with the school's name; say it once.
        String zh = c.get().nameZh().startsWith(school.zh()) ? c.get().nameZh() : school.zh() + " " + c.get().nameZh();
        String en = c.get().nameEn().startsWith(school.en()) ? c.get().nameEn() : school.en() + " " + c.get().nameEn();
        return new Names(zh, en);
    }

    private Names schoolNames(String schoolId) {
        return sources.registry().school(schoolId).map(s -> new Names(s.nameZh(), s.nameEn())).orElse(new Names(schoolId, schoolId));
    }

    private List<String> schoolList(String schoolId, String classroomId) {
        String school = schoolId != null ? schoolId : sources.registry().schoolOfClassroom(classroomId).orElse(null);
        return school == null ? List.of() : List.of(school);
    }
}
