package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syncready.controller.fleet.Box;
import org.syncready.controller.fleet.BoxSnapshot;
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.fleet.Presence;
import org.syncready.controller.fleet.School;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.ClassroomReadiness;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.ReadinessListener;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.readiness.Severity;
import org.syncready.controller.readiness.Verdict;
import org.syncready.controller.refusal.Refusal;
import org.syncready.controller.rollout.RolloutListener;
import org.syncready.controller.rollout.RolloutState;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;

/**
 * The alert engine: turns what the readiness checks, the rollouts and the live fleet report into
 * {@link Problem}s, and what changed about them into one {@link Notice} per school per check, sent
 * to each channel that takes it through {@link Delivery}.
 *
 * <ul>
 *   <li><b>Dedup and recovery</b>: a problem is told once; told again only when it changes (a
 *       different verdict or reasons), and once more when it is over.</li>
 *   <li><b>Repeat</b>: an unacknowledged NOT_READY is told again every {@link Settings#repeatEvery}
 *       until its session starts, after checking it is still true.</li>
 *   <li><b>Escalation</b>: a classroom still NOT_READY at {@link Settings#escalateAt} goes to the
 *       bureau's channels too, naming the school.</li>
 *   <li><b>Quiet hours and maintenance</b>: a school's problems wait while it is quiet or under
 *       maintenance (a classroom under repair alone, too); what is still true afterwards is told then.</li>
 * </ul>
 *
 * <p>All state lives on one thread ({@code alerts}); the listener methods only queue work there (at
 * most {@link #MAX_PENDING} tasks: beyond that an event is dropped and logged, so a flood can never
 * hold up a readiness check). API calls run there too and wait for the answer on their worker.
 */
public final class Alerts implements ReadinessListener, RolloutListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);
    static final int MAX_PENDING = 10_000;
    private static final Duration FLUSH_DEBOUNCE = Duration.ofMillis(300);
    private static final Duration FORGET_AFTER = Duration.ofDays(7);
    /** Notices, messages and the delivery log are kept this long (the API's history). */
    static final Duration LOG_KEPT = Duration.ofDays(30);
    private static final Duration API_WAIT = Duration.ofSeconds(30);

    /**
     * @param repeatEvery  reminder interval for an unacknowledged NOT_READY (zero: no reminders)
     * @param offlineAfter a box offline this long outside class, with a class still to come today, is told
     * @param escalateAt   the check whose NOT_READY goes to the bureau (the last before class, {@code T-5})
     * @param scanEvery    how often offline boxes, reminders and the end of quiet hours are looked at
     */
    public record Settings(Duration repeatEvery, Duration offlineAfter, String escalateAt, Duration scanEvery) {
        public static Settings defaults(String escalateAt) {
            return new Settings(Duration.ofMinutes(10), Duration.ofMinutes(15), escalateAt, Duration.ofSeconds(30));
        }
    }

    /** The latest verdict of a session, judged now (for a reminder: is it still true?). */
    @FunctionalInterface
    public interface SessionVerdicts {
        Optional<SessionReadiness> now(SyncSession session);
    }

    /**
     * What alerts read: names from the registry, sessions, live presence.
     *
     * @param dataClock the clock of the fleet's receive times (the system clock; tests share one)
     */
    public record Sources(FleetRegistry registry, SessionStore sessions, LiveFleet fleet, SessionVerdicts verdicts, Clock dataClock) {
    }

    /** What a test message did. */
    public record TestResult(long messageId, DeliveryAttempt.Outcome outcome, String code, String detail) {
    }

    /** What an acknowledgement did. */
    public record AckResult(Notice notice, int acknowledged, String by, String via, boolean alreadyAcknowledged) {
    }

    private final Settings settings;
    private final AlertStore store;
    private final SecretSeal seal;
    private final AlertLinks links;
    private final Sources sources;
    private final ControllerMetrics metrics;
    private final Clock clock;
    private final ZoneId zone;
    private final ObjectMapper json;
    private final NoticeText text;
    private final Delivery delivery;
    private final AlertInbox inbox;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alerts");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean droppedLogged = new AtomicBoolean();

    /** Read by any thread (the inbox checks signatures with them); written on the alerts thread. */
    private final Map<String, AlertChannel> channels = new ConcurrentHashMap<>();
    /** Alerts thread only. */
    private final Map<String, Problem> problems = new HashMap<>();
    /** Changed since the last commit: saved together at the end of each piece of work. */
    private final Map<String, Problem> dirty = new LinkedHashMap<>();
    private final Map<String, QuietHours> quiet = new HashMap<>();
    private final List<Maintenance> maintenance = new ArrayList<>();
    private boolean flushScheduled;
    private Instant startedAt;
    private Instant lastForget = Instant.MIN;
    private final Set<String> noChannelLogged = new HashSet<>();

    public Alerts(Settings settings, AlertStore store, SecretSeal seal, AlertLinks links, Sources sources, ControllerMetrics metrics,
                  Clock clock, ZoneId zone, ObjectMapper json) {
        this.settings = settings;
        this.store = store;
        this.seal = seal;
        this.links = links;
        this.sources = sources;
        this.metrics = metrics;
        this.clock = clock;
        this.zone = zone;
        this.json = json;
        this.text = new NoticeText(zone, links);
        HttpPost http = new HttpPost(json);
        Map<ChannelKind, Sender> senders = new EnumMap<>(ChannelKind.class);
        senders.put(ChannelKind.DINGTALK, new DingTalkRobot(http, clock));
        senders.put(ChannelKind.WECOM, new WeComRobot(http));
        senders.put(ChannelKind.FEISHU, new FeishuBot(http, clock));
        senders.put(ChannelKind.WEBHOOK, new SignedWebhook(http, clock));
        senders.put(ChannelKind.EMAIL, new SmtpMail(clock));
        this.delivery = new Delivery(store, senders, text, clock, metrics);
        this.inbox = new AlertInbox(channels::get, clock, json);
    }

    /** Loads channels, problems, quiet hours and maintenance, restarts the queue, and starts looking. */
    public void start() {
        call(() -> {
            startedAt = clock.instant();
            for (AlertStore.ChannelRecord r : store.channels()) {
                try {
                    channels.put(r.id(), fromRecord(r));
                } catch (RuntimeException e) {
                    log.error("alerts: channel={} cannot be read and is skipped: {}", r.id(), e.getMessage());
                }
            }
            for (Problem p : store.liveProblems()) {
                problems.put(p.key(), p);
            }
            store.quietHours().forEach(q -> quiet.put(q.schoolId(), q));
            maintenance.addAll(store.maintenance(startedAt));
            return null;
        });
        delivery.start(channels.values());
        thread.scheduleWithFixedDelay(this::scanSafely, settings.scanEvery().toMillis(), settings.scanEvery().toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("alerts: {} channel(s), {} open problem(s); reminders every {} min, escalation at {}", channels.size(),
                problems.size(), settings.repeatEvery().toMinutes(), settings.escalateAt());
    }

    public AlertInbox inbox() {
        return inbox;
    }

    public AlertLinks links() {
        return links;
    }

    // ------------------------------------------------------------------ what happened (any thread)

    @Override
    public void checked(String trigger, List<SessionReadiness> results) {
        if (trigger.startsWith("T-") || trigger.equals("on-demand")) {
            submit(() -> onCheck(trigger, results));
        }
    }

    @Override
    public void incidentOpened(Incident incident, String schoolId, Reason reason) {
        submit(() -> onIncidentOpened(incident, schoolId, reason));
    }

    @Override
    public void incidentClosed(Incident incident, Instant end) {
        submit(() -> onIncidentClosed(incident, end));
    }

    @Override
    public void stopped(String rolloutId, RolloutState state, String reason, String target, List<String> boxIds) {
        submit(() -> onRolloutStopped(rolloutId, state, reason, target, boxIds));
    }

    private void submit(Runnable work) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            metrics.alertDelivery("-", "event_dropped");
            if (droppedLogged.compareAndSet(false, true)) {
                log.warn("alerts: {} events waiting; new ones are dropped until the alerts thread catches up", MAX_PENDING);
            }
            return;
        }
        thread.execute(() -> {
            pending.decrementAndGet();
            try {
                work.run();
                commit();
            } catch (RuntimeException e) {
                dirty.clear();
                log.error("alerts: handling an event failed: {}", e.toString(), e);
            }
        });
    }

    // ------------------------------------------------------------------ readiness

    private void onCheck(String trigger, List<SessionReadiness> results) {
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

    private void onIncidentOpened(Incident i, String schoolId, Reason reason) {
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

    private void onIncidentClosed(Incident i, Instant end) {
        Problem p = problems.get("incident|" + i.id());
        if (p != null && p.isOpen()) {
            put(p.closed(end, true));
            scheduleFlush();
        }
    }

    // ------------------------------------------------------------------ rollouts

    private void onRolloutStopped(String id, RolloutState state, String reason, String target, List<String> boxIds) {
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

    private void scanSafely() {
        try {
            scanOffline();
            flush();
            commit();
            Instant now = clock.instant();
            if (Duration.between(lastForget, now).toHours() >= 1) {
                lastForget = now;
                store.forgetProblems(now.minus(FORGET_AFTER));
                int pruned = store.pruneLog(now.minus(LOG_KEPT));
                if (pruned > 0) {
                    log.info("alerts: {} notice, message and delivery-log rows older than {} days deleted", pruned, LOG_KEPT.toDays());
                }
                maintenance.removeIf(m -> !m.until().isAfter(now));
            }
        } catch (RuntimeException e) {
            dirty.clear();
            log.error("alerts: scan failed: {}", e.toString(), e);
        }
    }

    /** For tests with a clock they move: one scan (offline boxes, reminders, held notices) now. */
    public CompletableFuture<Void> scanNow() {
        return CompletableFuture.runAsync(this::scanSafely, thread);
    }

    private void scanOffline() {
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

    private void scheduleFlush() {
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
    private void flush() {
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

    private void put(Problem p) {
        problems.put(p.key(), p);
        dirty.put(p.key(), p);
    }

    /** Saves what changed, in one transaction. Alerts thread, at the end of each piece of work. */
    private void commit() {
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

    // ------------------------------------------------------------------ channels (API)

    /** Channels, masked; {@code schoolId} null: all, {@code ""}: the bureau's only. */
    public List<AlertChannel> channels(String schoolId) {
        return channels.values().stream()
                .filter(c -> schoolId == null || (schoolId.isEmpty() ? c.bureau() : schoolId.equals(c.schoolId())))
                .sorted(Comparator.comparing(AlertChannel::id)).map(AlertChannel::masked).toList();
    }

    /** One channel, masked. */
    public Optional<AlertChannel> channel(String id) {
        return Optional.ofNullable(channels.get(id)).map(AlertChannel::masked);
    }

    public AlertChannel createChannel(JsonNode body) {
        return call(() -> {
            AlertChannel c = ChannelRequest.create(body, clock.instant());
            if (c.schoolId() != null && sources.registry().school(c.schoolId()).isEmpty()) {
                throw Refusal.invalid("/schoolId", "no school '" + c.schoolId() + "'");
            }
            if (channels.containsKey(c.id())) {
                throw Refusal.conflict("channel '" + c.id() + "' exists");
            }
            save(c);
            log.info("alerts: channel={} created ({} {}, school={})", c.id(), c.kind().label(), c.name(),
                    c.schoolId() == null ? "bureau" : c.schoolId());
            return c.masked();
        });
    }

    public AlertChannel updateChannel(String id, JsonNode body) {
        return call(() -> {
            AlertChannel old = channels.get(id);
            if (old == null) {
                throw Refusal.notFound("no alert channel '" + id + "'");
            }
            AlertChannel c = ChannelRequest.update(old, body, clock.instant());
            save(c);
            log.info("alerts: channel={} changed", c.id());
            return c.masked();
        });
    }

    public void deleteChannel(String id) {
        call(() -> {
            if (channels.remove(id) == null) {
                throw Refusal.notFound("no alert channel '" + id + "'");
            }
            store.deleteChannel(id);
            delivery.channelRemoved(id);
            log.info("alerts: channel={} deleted", id);
            return null;
        });
    }

    /** The school a channel belongs to (null: the bureau), for the API's scope checks; empty when there is no such channel. */
    public Optional<Optional<String>> channelSchool(String id) {
        AlertChannel c = channels.get(id);
        return c == null ? Optional.empty() : Optional.of(Optional.ofNullable(c.schoolId()));
    }

    /**
     * The demo's bureau channel: a signed webhook to the controller's own inbox, taking every topic,
     * so a newcomer sees at {@code /api/v1/alerts/inbox} what would have gone out.
     */
    public void ensureDemoInbox(String inboxUrl) {
        call(() -> {
            AlertChannel old = channels.get(AlertInbox.DEMO_CHANNEL);
            Instant now = clock.instant();
            AlertChannel c = old != null
                    ? new AlertChannel(old.id(), null, old.kind(), old.name(), old.enabled(), old.language(), old.topics(), old.minLevel(),
                    old.perMinute(), new AlertChannel.Target(inboxUrl, old.target().secret(), null), old.createdAt(), now)
                    : new AlertChannel(AlertInbox.DEMO_CHANNEL, null, ChannelKind.WEBHOOK, "演示：教育局告警收件箱 / Demo bureau inbox", true,
                    Language.ZH_EN, EnumSet.allOf(AlertTopic.class), AlertLevel.WARNING, 120,
                    new AlertChannel.Target(inboxUrl, org.syncready.controller.fleet.BoxSecrets.newSecret(), null), now, now);
            if (old == null || !inboxUrl.equals(old.target().url())) {
                save(c);
            }
            return null;
        });
        // A first message, so the inbox shows from the start what a message looks like.
        CompletableFuture.runAsync(() -> {
            try {
                test(AlertInbox.DEMO_CHANNEL);
            } catch (RuntimeException e) {
                log.warn("alerts: the demo inbox's test message failed: {}", e.toString());
            }
        });
    }

    private void save(AlertChannel c) {
        store.saveChannel(toRecord(c));
        channels.put(c.id(), c);
        delivery.channelChanged(c);
    }

    private AlertStore.ChannelRecord toRecord(AlertChannel c) {
        ObjectNode settingsNode = json.createObjectNode().put("kind", c.kind().label()).put("name", c.name())
                .put("enabled", c.enabled()).put("language", c.language().label()).put("minLevel", c.minLevel().label())
                .put("perMinute", c.perMinute());
        c.topics().stream().sorted().forEach(t -> settingsNode.withArray("topics").add(t.label()));
        if (!settingsNode.has("topics")) {
            settingsNode.putArray("topics");
        }
        try {
            return new AlertStore.ChannelRecord(c.id(), c.schoolId(), json.writeValueAsString(settingsNode),
                    seal.seal(json.writeValueAsString(c.target())), c.createdAt(), c.updatedAt());
        } catch (IOException e) {
            throw new IllegalStateException("a channel always writes as JSON", e);
        }
    }

    private AlertChannel fromRecord(AlertStore.ChannelRecord r) {
        try {
            JsonNode s = json.readTree(r.settingsJson());
            Set<AlertTopic> topics = EnumSet.noneOf(AlertTopic.class);
            s.path("topics").forEach(t -> topics.add(AlertTopic.of(t.asText())));
            AlertChannel.Target target = json.readValue(seal.open(r.sealedTarget()), AlertChannel.Target.class);
            return new AlertChannel(r.id(), r.schoolId(), ChannelKind.of(s.path("kind").asText()), s.path("name").asText(),
                    s.path("enabled").asBoolean(true), Language.of(s.path("language").asText("zh-en")), topics,
                    AlertLevel.of(s.path("minLevel").asText("warning")), s.path("perMinute").asInt(20), target, r.createdAt(), r.updatedAt());
        } catch (IOException e) {
            throw new IllegalStateException("stored channel is not readable JSON: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ test, log, notices, acknowledgements (API)

    /** Sends a test message to the channel now; waits (on the caller's worker thread) for the first attempt. */
    public TestResult test(String channelId) {
        AlertChannel c = call(() -> {
            AlertChannel ch = channels.get(channelId);
            if (ch == null) {
                throw Refusal.notFound("no alert channel '" + channelId + "'");
            }
            return ch;
        });
        Notice n = new Notice(0, AlertTopic.READINESS, c.schoolId(), null, null, "test", clock.instant(), List.of());
        Notice stored = n.withId(store.insertNotice(n));
        try {
            Sender.Result r = delivery.test(c, stored).get(API_WAIT.toSeconds() + 30, TimeUnit.SECONDS);
            return new TestResult(store.messages(channelId, 1).stream().findFirst().map(OutboxMessage::id).orElse(0L), r.outcome(),
                    r.code(), r.detail());
        } catch (TimeoutException e) {
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "the test message was not sent within a minute (the robot's pace is used up); see the delivery log");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A channel's latest messages, newest first, with their delivery-log lines. */
    public record DeliveryLog(List<OutboxMessage> messages, List<DeliveryAttempt> attempts, int queued) {
    }

    public DeliveryLog deliveries(String channelId, int limit) {
        if (!channels.containsKey(channelId)) {
            throw Refusal.notFound("no alert channel '" + channelId + "'");
        }
        return new DeliveryLog(store.messages(channelId, limit), store.attempts(channelId, limit * 4), delivery.queuedFor(channelId));
    }

    /** The latest notices (what was or would have been sent), newest first. */
    public List<AlertStore.NoticeRecord> notices(String schoolId, int limit) {
        return store.notices(schoolId, limit);
    }

    public Optional<AlertStore.NoticeRecord> notice(long id) {
        return store.notice(id);
    }

    /** Problems being followed now (open, or with a recovery still to tell). */
    public List<Problem> problems(String schoolId) {
        return call(() -> problems.values().stream().filter(Problem::live)
                .filter(p -> schoolId == null || p.schools().contains(schoolId))
                .sorted(Comparator.comparing(Problem::openedAt)).toList());
    }

    /**
     * Acknowledges the notice's open problems: no more reminders; escalations and changes still go.
     *
     * @param via {@code link} (the signed link in a message) or {@code console} (the API)
     */
    public AckResult acknowledge(long noticeId, String by, String via) {
        return call(() -> {
            AlertStore.NoticeRecord r = store.notice(noticeId).orElseThrow(() -> Refusal.notFound("no notice " + noticeId));
            if (r.ackedBy() != null) {
                return new AckResult(r.notice(), 0, r.ackedBy(), r.ackedVia(), true);
            }
            Instant now = clock.instant();
            int n = 0;
            for (Notice.Item i : r.notice().items()) {
                Problem p = problems.get(i.problemKey());
                if (p != null && p.isOpen() && !p.acknowledged()) {
                    put(p.acknowledged(by, via, now));
                    n++;
                }
            }
            store.acknowledgeNotice(noticeId, by, via, now);
            log.info("alerts: notice {} acknowledged by {} via {} ({} open problem(s))", noticeId, by, via, n);
            return new AckResult(r.notice(), n, by, via, false);
        });
    }

    /** What a signed acknowledge link names, for its confirmation page. */
    public record AckPage(AlertStore.NoticeRecord record, boolean expired) {
    }

    /** The notice behind an acknowledge link; not found when the link was not made here or was changed. */
    public AckPage ackPage(String token) {
        AckTokens.Claim claim = links.tokens().check(token).orElseThrow(() -> Refusal.notFound("this link is not valid"));
        AlertStore.NoticeRecord r = store.notice(claim.noticeId()).orElseThrow(() -> Refusal.notFound("this link is not valid"));
        return new AckPage(r, links.tokens().expired(claim));
    }

    /** Acknowledges through a link from a message: refused once the link has expired. */
    public AckResult acknowledgeByLink(String token, String by) {
        AckPage page = ackPage(token);
        if (page.expired()) {
            throw Refusal.of(Refusal.Kind.FORBIDDEN, "this link has expired; acknowledge in the console");
        }
        return acknowledge(page.record().notice().id(), by, "link");
    }

    // ------------------------------------------------------------------ quiet hours and maintenance (API)

    public List<QuietHours> quietHours() {
        return call(() -> quiet.values().stream().sorted(Comparator.comparing(QuietHours::schoolId)).toList());
    }

    public QuietHours setQuietHours(String schoolId, LocalTime from, LocalTime to) {
        return call(() -> {
            if (sources.registry().school(schoolId).isEmpty()) {
                throw Refusal.notFound("no school '" + schoolId + "'");
            }
            QuietHours q = new QuietHours(schoolId, from, to);
            store.saveQuietHours(q);
            quiet.put(schoolId, q);
            log.info("alerts: quiet hours of school={} set to {}-{}", schoolId, from, to);
            return q;
        });
    }

    public void clearQuietHours(String schoolId) {
        call(() -> {
            if (quiet.remove(schoolId) == null) {
                throw Refusal.notFound("school '" + schoolId + "' has no quiet hours");
            }
            store.deleteQuietHours(schoolId);
            scheduleFlush();
            return null;
        });
    }

    public List<Maintenance> maintenance() {
        return call(() -> {
            Instant now = clock.instant();
            return maintenance.stream().filter(m -> m.until().isAfter(now)).sorted(Comparator.comparing(Maintenance::until)).toList();
        });
    }

    /** A school ({@code classroomId} null) or one classroom under maintenance until {@code until}. */
    public Maintenance addMaintenance(String schoolId, String classroomId, Instant until, String note, String by) {
        return call(() -> {
            Instant now = clock.instant();
            String school = schoolId;
            if (classroomId != null) {
                Classroom c = sources.registry().classroom(classroomId).orElseThrow(() -> Refusal.notFound("no classroom '" + classroomId + "'"));
                if (school != null && !school.equals(c.schoolId())) {
                    throw Refusal.invalid("/schoolId", "classroom '" + classroomId + "' belongs to school '" + c.schoolId() + "'");
                }
                school = c.schoolId();
            } else if (school == null || sources.registry().school(school).isEmpty()) {
                throw school == null ? Refusal.invalid("/schoolId", "name a schoolId or a classroomId")
                        : Refusal.notFound("no school '" + school + "'");
            }
            if (!until.isAfter(now) || until.isAfter(now.plus(Duration.ofDays(90)))) {
                throw Refusal.invalid("/until", "must be in the next 90 days");
            }
            Maintenance m = new Maintenance(0, school, classroomId, now, until, note, by);
            m = new Maintenance(store.insertMaintenance(m), school, classroomId, now, until, note, by);
            maintenance.add(m);
            log.info("alerts: maintenance {} of school={} classroom={} until {} by {}", m.id(), school, classroomId, until, by);
            return m;
        });
    }

    public void endMaintenance(long id) {
        call(() -> {
            if (!maintenance.removeIf(m -> m.id() == id) || !store.deleteMaintenance(id)) {
                throw Refusal.notFound("no maintenance window " + id);
            }
            scheduleFlush();
            return null;
        });
    }

    /** Runs {@code work} on the alerts thread and waits for it (callers are API workers or start-up). */
    private <T> T call(Callable<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    T result = work.call();
                    commit();
                    return result;
                } catch (RuntimeException e) {
                    dirty.clear();
                    throw e;
                } catch (Exception e) {
                    dirty.clear();
                    throw new IllegalStateException(e);
                }
            }, thread).get(API_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "alerts are busy; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.of(Refusal.Kind.UNAVAILABLE, "interrupted");
        }
    }

    /** For tests: waits until every event handed in so far has been handled and its notices queued. */
    public void settle() {
        call(() -> null);
        call(() -> {
            flush();
            return null;
        });
    }

    Delivery delivery() {
        return delivery;
    }

    Collection<AlertChannel> channelsUnmasked() {
        return channels.values();
    }

    @Override
    public void close() {
        thread.shutdownNow();
        delivery.close();
    }
}
