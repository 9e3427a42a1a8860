package org.syncready.controller.schedule;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Predicate;
import org.syncready.controller.refusal.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sync sessions, kept in a {@link ScheduleStore} and every one also held in memory ordered by start:
 * the readiness sweep and the rollout class-time guard ask "what runs around now" many times a minute
 * and must not wait on the database. Writes go to the store first, then to memory, under one lock.
 */
public final class SessionStore {
    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);
    /** Longer than any real lesson block; bounds how far back an overlap search has to look. */
    public static final Duration MAX_DURATION = Duration.ofHours(12);
    private static final Comparator<SyncSession> BY_START =
            Comparator.comparing(SyncSession::start).thenComparing(SyncSession::id);
    private static final int MAX_TEXT = 200;

    private final ScheduleStore store;
    private final Predicate<String> classroomExists;
    private final Map<String, SyncSession> byId = new ConcurrentHashMap<>();
    private final NavigableSet<SyncSession> byStart = new ConcurrentSkipListSet<>(BY_START);

    private SessionStore(ScheduleStore store, Predicate<String> classroomExists) {
        this.store = store;
        this.classroomExists = classroomExists;
    }

    /** Loads every stored session. {@code classroomExists} is how new sessions' classrooms are checked. */
    public static SessionStore load(ScheduleStore store, Predicate<String> classroomExists) {
        SessionStore sessions = new SessionStore(store, classroomExists);
        store.sessions().forEach(sessions::remember);
        log.info("schedule loaded: {} sessions", sessions.byId.size());
        return sessions;
    }

    /**
     * Reads every session again (another controller node changed the schedule): new and changed ones
     * replace what memory held, deleted ones leave. Readers see one session or the other, never none.
     */
    public synchronized void reload() {
        Map<String, SyncSession> stored = new java.util.HashMap<>();
        store.sessions().forEach(x -> stored.put(x.id(), x));
        for (SyncSession old : List.copyOf(byId.values())) {
            SyncSession now = stored.get(old.id());
            if (now == null || !now.equals(old)) {
                forget(old);
            }
        }
        stored.values().forEach(this::remember);
        log.info("schedule read again (changed by another node): {} sessions", byId.size());
    }

    public Optional<SyncSession> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public int size() {
        return byId.size();
    }

    /** Sessions overlapping [from, to), ordered by start. */
    public List<SyncSession> overlapping(Instant from, Instant to) {
        SyncSession low = probe(from.minus(MAX_DURATION));
        SyncSession high = probe(to);
        List<SyncSession> out = new ArrayList<>();
        for (SyncSession s : byStart.subSet(low, true, high, false)) {
            if (s.end().isAfter(from)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Sessions a classroom takes part in (lead or remote) overlapping [from, to). */
    public List<SyncSession> ofClassroom(String classroomId, Instant from, Instant to) {
        return overlapping(from, to).stream().filter(s -> s.classroomIds().contains(classroomId)).toList();
    }

    /**
     * When a classroom is free of sessions again, if it is in one now or one starts within {@code guard}:
     * the end of that session, or of the last of a chain of sessions each starting within {@code guard}
     * of the previous end. Empty when the classroom is free now and for {@code guard}.
     */
    public Optional<Instant> busyUntil(String classroomId, Instant now, Duration guard) {
        Instant from = now;
        Instant until = null;
        for (int chained = 0; chained < 48; chained++) {
            Instant latest = null;
            for (SyncSession s : ofClassroom(classroomId, from, from.plus(guard))) {
                latest = latest == null || s.end().isAfter(latest) ? s.end() : latest;
            }
            if (latest == null || until != null && !latest.isAfter(until)) {
                break;
            }
            until = latest;
            from = latest;
        }
        return Optional.ofNullable(until);
    }

    public synchronized SyncSession create(SessionDraft draft) {
        validate(draft);
        if (findByKey(draft.leadClassroomId(), draft.start()).isPresent()) {
            throw Refusal.conflict("classroom '" + draft.leadClassroomId()
                    + "' already leads a session starting at " + draft.start());
        }
        checkOverlap(draft, null);
        SyncSession s = toSession(idFor(draft.leadClassroomId(), draft.start()), draft);
        store.saveSessions(List.of(s), List.of());
        remember(s);
        log.info("session created session={} lead={} start={}", s.id(), s.leadClassroomId(), s.start());
        return s;
    }

    public synchronized SyncSession update(String id, SessionDraft draft) {
        SyncSession before = byId.get(id);
        if (before == null) {
            throw Refusal.notFound("no session '" + id + "'");
        }
        validate(draft);
        Optional<SyncSession> clash = findByKey(draft.leadClassroomId(), draft.start());
        if (clash.isPresent() && !clash.get().id().equals(id)) {
            throw Refusal.conflict("classroom '" + draft.leadClassroomId()
                    + "' already leads session '" + clash.get().id() + "' starting at " + draft.start());
        }
        checkOverlap(draft, id);
        SyncSession after = toSession(id, draft);
        store.saveSessions(List.of(), List.of(after));
        forget(before);
        remember(after);
        log.info("session updated session={} lead={} start={}", id, after.leadClassroomId(), after.start());
        return after;
    }

    public synchronized void delete(String id) {
        SyncSession s = byId.get(id);
        if (s == null) {
            throw Refusal.notFound("no session '" + id + "'");
        }
        store.deleteSession(id);
        forget(s);
        log.info("session deleted session={} lead={} start={}", id, s.leadClassroomId(), s.start());
    }

    /**
     * What importing {@code drafts} would change, matching on (lead classroom, start). Every draft is
     * validated first; any invalid one fails the whole plan with a message naming its source.
     */
    public ImportPlan plan(List<SessionDraft> drafts) {
        List<SessionDraft> create = new ArrayList<>();
        List<ImportPlan.Update> update = new ArrayList<>();
        int unchanged = 0;
        Set<String> seen = new HashSet<>();
        ClassroomTimeline stored = timelineAround(drafts);
        for (SessionDraft d : drafts) {
            try {
                validate(d);
            } catch (Refusal e) {
                throw from(d, e);
            }
            if (!seen.add(d.leadClassroomId() + "@" + d.start().toEpochMilli())) {
                throw from(d, Refusal.invalid("classroom '" + d.leadClassroomId() + "' leads two sessions starting at " + d.start()));
            }
            Optional<SyncSession> existing = findByKey(d.leadClassroomId(), d.start());
            String replaces = existing.map(SyncSession::id).orElse(null);
            for (String room : classroomsOf(d)) {
                Optional<SyncSession> other = stored.clash(room, d.start(), d.end(), replaces);
                if (other.isPresent()) {
                    throw from(d, Refusal.conflict("classroom '" + room + "' is already in session '" + other.get().id()
                            + "' (" + other.get().start() + " - " + other.get().end() + ")"));
                }
            }
            if (existing.isEmpty()) {
                create.add(d);
            } else if (existing.get().sameAs(d)) {
                unchanged++;
            } else {
                update.add(new ImportPlan.Update(existing.get(), d));
            }
        }
        return new ImportPlan(create, update, unchanged);
    }

    /** The stored sessions a set of drafts could clash with, by classroom. */
    private ClassroomTimeline timelineAround(List<SessionDraft> drafts) {
        Instant from = null;
        Instant to = null;
        for (SessionDraft d : drafts) {
            if (d.start() != null && d.end() != null) {
                from = from == null || d.start().isBefore(from) ? d.start() : from;
                to = to == null || d.end().isAfter(to) ? d.end() : to;
            }
        }
        return new ClassroomTimeline(from == null ? List.of() : overlapping(from, to), MAX_DURATION);
    }

    private static List<String> classroomsOf(SessionDraft d) {
        List<String> rooms = new ArrayList<>(d.remoteClassroomIds().size() + 1);
        rooms.add(d.leadClassroomId());
        rooms.addAll(d.remoteClassroomIds());
        return rooms;
    }

    /** Carries out a plan in one transaction: all of it or nothing. */
    public synchronized List<SyncSession> apply(ImportPlan plan) {
        List<SyncSession> created = new ArrayList<>();
        List<SyncSession> updated = new ArrayList<>();
        for (SessionDraft d : plan.create()) {
            created.add(toSession(idFor(d.leadClassroomId(), d.start()), d));
        }
        for (ImportPlan.Update u : plan.update()) {
            updated.add(toSession(u.before().id(), u.after()));
        }
        store.saveSessions(created, updated);
        plan.update().forEach(u -> forget(u.before()));
        created.forEach(this::remember);
        updated.forEach(this::remember);
        log.info("schedule import applied: {} created, {} updated, {} unchanged", created.size(), updated.size(), plan.unchanged());
        List<SyncSession> all = new ArrayList<>(created);
        all.addAll(updated);
        return all;
    }

    /** A refusal of one draft of a plan, prefixed with where the draft came from ("line 7: ..."). */
    private static Refusal from(SessionDraft d, Refusal refusal) {
        return Refusal.of(refusal.kind(), (d.source() == null ? "" : d.source() + ": ") + refusal.getMessage());
    }

    private void validate(SessionDraft d) {
        if (d.leadClassroomId() == null || d.leadClassroomId().isBlank()) {
            throw Refusal.invalid("field 'leadClassroomId' is required");
        }
        if (!classroomExists.test(d.leadClassroomId())) {
            throw Refusal.invalid("field 'leadClassroomId': no classroom '" + d.leadClassroomId() + "'");
        }
        Set<String> remotes = new HashSet<>();
        for (String r : d.remoteClassroomIds()) {
            if (!classroomExists.test(r)) {
                throw Refusal.invalid("field 'remoteClassroomIds': no classroom '" + r + "'");
            }
            if (r.equals(d.leadClassroomId())) {
                throw Refusal.invalid("field 'remoteClassroomIds': '" + r + "' is the lead classroom");
            }
            if (!remotes.add(r)) {
                throw Refusal.invalid("field 'remoteClassroomIds': '" + r + "' is listed twice");
            }
        }
        if (d.remoteClassroomIds().isEmpty()) {
            throw Refusal.invalid("field 'remoteClassroomIds': a sync session needs at least one remote classroom");
        }
        if (d.subject() == null || d.subject().isBlank() || d.subject().length() > MAX_TEXT) {
            throw Refusal.invalid("field 'subject' is required (1.." + MAX_TEXT + " characters)");
        }
        if (d.teacher() != null && d.teacher().length() > MAX_TEXT) {
            throw Refusal.invalid("field 'teacher' is longer than " + MAX_TEXT + " characters");
        }
        if (d.kind() == null) {
            throw Refusal.invalid("field 'kind' must be live, recorded or embedded");
        }
        if (d.start() == null || d.end() == null) {
            throw Refusal.invalid("fields 'start' and 'end' are required");
        }
        if (!d.end().isAfter(d.start())) {
            throw Refusal.invalid("field 'end' must be after 'start'");
        }
        if (Duration.between(d.start(), d.end()).compareTo(MAX_DURATION) > 0) {
            throw Refusal.invalid("field 'end': a session may last at most " + MAX_DURATION.toHours() + " h");
        }
    }

    /** A classroom cannot be in two sessions at once (it has one box and one room). */
    private void checkOverlap(SessionDraft d, String ignoreId) {
        Set<String> rooms = new HashSet<>(d.remoteClassroomIds());
        rooms.add(d.leadClassroomId());
        for (SyncSession other : overlapping(d.start(), d.end())) {
            if (other.id().equals(ignoreId) || !other.start().isBefore(d.end())) {
                continue;
            }
            for (String room : other.classroomIds()) {
                if (rooms.contains(room)) {
                    throw Refusal.conflict("classroom '" + room + "' is already in session '"
                            + other.id() + "' (" + other.start() + " - " + other.end() + ")");
                }
            }
        }
    }

    private Optional<SyncSession> findByKey(String lead, Instant start) {
        SyncSession low = probe(start);
        for (SyncSession s : byStart.tailSet(low, true)) {
            if (!s.start().equals(start)) {
                break;
            }
            if (s.leadClassroomId().equals(lead)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    private static SyncSession probe(Instant start) {
        return new SyncSession("", "", List.of(), "", null, SessionKind.LIVE, start, start, null);
    }

    private static SyncSession toSession(String id, SessionDraft d) {
        return new SyncSession(id, d.leadClassroomId(), d.remoteClassroomIds(), d.subject().strip(),
                d.teacher() == null || d.teacher().isBlank() ? null : d.teacher().strip(), d.kind(), d.start(), d.end(), d.source());
    }

    /** Stable ids: the same timetable imported on two controllers names its sessions alike. */
    static String idFor(String lead, Instant start) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((lead + "@" + start.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
            return "ss-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void remember(SyncSession s) {
        byId.put(s.id(), s);
        byStart.add(s);
    }

    private void forget(SyncSession s) {
        byId.remove(s.id());
        byStart.remove(s);
    }
}
