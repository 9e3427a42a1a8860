package org.syncready.controller.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.syncready.controller.fleet.Classroom;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.fleet.LiveFleet;
import org.syncready.controller.metrics.ControllerMetrics;
import org.syncready.controller.readiness.Incident;
import org.syncready.controller.readiness.ReadinessListener;
import org.syncready.controller.readiness.Reason;
import org.syncready.controller.readiness.SessionReadiness;
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
 *
 * <p>Over 500 lines because it is the package's whole public face: one short method per API call
 * and listener event; the state itself is in {@link ProblemTracker}.
 */
public final class Alerts implements ReadinessListener, RolloutListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);
    static final int MAX_PENDING = 10_000;
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
    private final AlertLinks links;
    private final Sources sources;
    private final ControllerMetrics metrics;
    private final Clock clock;
    private final NoticeText text;
    private final Delivery delivery;
    private volatile java.util.function.BooleanSupplier leader = () -> true;
    private final ProblemTracker tracker;
    private final ChannelRecords records;
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
    private Instant lastForget = Instant.MIN;

    public Alerts(Settings settings, AlertStore store, SecretSeal seal, AlertLinks links, Sources sources, ControllerMetrics metrics,
                  Clock clock, ZoneId zone, ObjectMapper json) {
        this.settings = settings;
        this.store = store;
        this.links = links;
        this.sources = sources;
        this.metrics = metrics;
        this.clock = clock;
        this.text = new NoticeText(zone, links);
        this.records = new ChannelRecords(json, seal);
        HttpPost http = new HttpPost(json);
        Map<ChannelKind, Sender> senders = new EnumMap<>(ChannelKind.class);
        senders.put(ChannelKind.DINGTALK, new DingTalkRobot(http, clock));
        senders.put(ChannelKind.WECOM, new WeComRobot(http));
        senders.put(ChannelKind.FEISHU, new FeishuBot(http, clock));
        senders.put(ChannelKind.WEBHOOK, new SignedWebhook(http, clock));
        senders.put(ChannelKind.EMAIL, new SmtpMail(clock));
        this.delivery = new Delivery(store, senders, text, clock, metrics);
        this.inbox = new AlertInbox(channels::get, clock, json);
        this.tracker = new ProblemTracker(settings, store, sources, clock, zone, text, delivery, channels, thread);
    }

    /** Loads channels, problems, quiet hours and maintenance, restarts the queue, and starts looking. */
    public void start() {
        call(() -> {
            tracker.startedAt = clock.instant();
            for (AlertStore.ChannelRecord r : store.channels()) {
                try {
                    channels.put(r.id(), records.fromRecord(r));
                } catch (RuntimeException e) {
                    log.error("alerts: channel={} cannot be read and is skipped: {}", r.id(), e.getMessage());
                }
            }
            for (Problem p : store.liveProblems()) {
                tracker.problems.put(p.key(), p);
            }
            store.quietHours().forEach(q -> tracker.quiet.put(q.schoolId(), q));
            tracker.maintenance.addAll(store.maintenance(tracker.startedAt));
            return null;
        });
        delivery.start(channels.values());
        thread.scheduleWithFixedDelay(this::scanSafely, settings.scanEvery().toMillis(), settings.scanEvery().toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("alerts: {} channel(s), {} open problem(s); reminders every {} min, escalation at {}", channels.size(),
                tracker.problems.size(), settings.repeatEvery().toMinutes(), settings.escalateAt());
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
            submit(() -> tracker.onCheck(trigger, results));
        }
    }

    @Override
    public void incidentOpened(Incident incident, String schoolId, Reason reason) {
        submit(() -> tracker.onIncidentOpened(incident, schoolId, reason));
    }

    @Override
    public void incidentClosed(Incident incident, Instant end) {
        submit(() -> tracker.onIncidentClosed(incident, end));
    }

    @Override
    public void stopped(String rolloutId, RolloutState state, String reason, String target, List<String> boxIds) {
        submit(() -> tracker.onRolloutStopped(rolloutId, state, reason, target, boxIds));
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
                tracker.commit();
            } catch (RuntimeException e) {
                tracker.discard();
                log.error("alerts: handling an event failed: {}", e.toString(), e);
            }
        });
    }

    // ------------------------------------------------------------------ scans

    /**
     * Several controller nodes: the scans (offline boxes, reminders, held notices) and the sending run only
     * while {@code leading} says so, so each alert goes out once. Set before {@link #start}.
     */
    public void useLeadership(java.util.function.BooleanSupplier leading) {
        this.leader = leading;
        delivery.useLeadership(leading);
    }

    private void scanSafely() {
        if (!leader.getAsBoolean()) {
            return;
        }
        try {
            tracker.scanOffline();
            tracker.flush();
            tracker.commit();
            Instant now = clock.instant();
            if (Duration.between(lastForget, now).toHours() >= 1) {
                lastForget = now;
                store.forgetProblems(now.minus(FORGET_AFTER));
                int pruned = store.pruneLog(now.minus(LOG_KEPT));
                if (pruned > 0) {
                    log.info("alerts: {} notice, message and delivery-log rows older than {} days deleted", pruned, LOG_KEPT.toDays());
                }
                tracker.maintenance.removeIf(m -> !m.until().isAfter(now));
            }
        } catch (RuntimeException e) {
            tracker.discard();
            log.error("alerts: scan failed: {}", e.toString(), e);
        }
    }

    /** For tests with a clock they move: one scan (offline boxes, reminders, held notices) now. */
    public CompletableFuture<Void> scanNow() {
        return CompletableFuture.runAsync(this::scanSafely, thread);
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
        store.saveChannel(records.toRecord(c));
        channels.put(c.id(), c);
        delivery.channelChanged(c);
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
        return call(() -> tracker.problems.values().stream().filter(Problem::live)
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
                Problem p = tracker.problems.get(i.problemKey());
                if (p != null && p.isOpen() && !p.acknowledged()) {
                    tracker.put(p.acknowledged(by, via, now));
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
        return call(() -> tracker.quiet.values().stream().sorted(Comparator.comparing(QuietHours::schoolId)).toList());
    }

    public QuietHours setQuietHours(String schoolId, LocalTime from, LocalTime to) {
        return call(() -> {
            if (sources.registry().school(schoolId).isEmpty()) {
                throw Refusal.notFound("no school '" + schoolId + "'");
            }
            QuietHours q = new QuietHours(schoolId, from, to);
            store.saveQuietHours(q);
            tracker.quiet.put(schoolId, q);
            log.info("alerts: quiet hours of school={} set to {}-{}", schoolId, from, to);
            return q;
        });
    }

    public void clearQuietHours(String schoolId) {
        call(() -> {
            if (tracker.quiet.remove(schoolId) == null) {
                throw Refusal.notFound("school '" + schoolId + "' has no quiet hours");
            }
            store.deleteQuietHours(schoolId);
            tracker.scheduleFlush();
            return null;
        });
    }

    public List<Maintenance> maintenance() {
        return call(() -> {
            Instant now = clock.instant();
            return tracker.maintenance.stream().filter(m -> m.until().isAfter(now)).sorted(Comparator.comparing(Maintenance::until)).toList();
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
            tracker.maintenance.add(m);
            log.info("alerts: maintenance {} of school={} classroom={} until {} by {}", m.id(), school, classroomId, until, by);
            return m;
        });
    }

    public void endMaintenance(long id) {
        call(() -> {
            if (!tracker.maintenance.removeIf(m -> m.id() == id) || !store.deleteMaintenance(id)) {
                throw Refusal.notFound("no maintenance window " + id);
            }
            tracker.scheduleFlush();
            return null;
        });
    }

    /** Runs {@code work} on the alerts thread and waits for it (callers are API workers or start-up). */
    private <T> T call(Callable<T> work) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    T result = work.call();
                    tracker.commit();
                    return result;
                } catch (RuntimeException e) {
                    tracker.discard();
                    throw e;
                } catch (Exception e) {
                    tracker.discard();
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
            tracker.flush();
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
