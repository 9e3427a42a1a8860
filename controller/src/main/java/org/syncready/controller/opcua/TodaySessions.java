package org.syncready.controller.opcua;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.syncready.controller.fleet.FleetRegistry;
import org.syncready.controller.readiness.SessionReadiness;
import org.syncready.controller.schedule.SessionStore;
import org.syncready.controller.schedule.SyncSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Today's sessions (in the bureau's time zone) and their latest verdicts, refreshed every few seconds
 * on this class's own thread: the {@code Sessions/Today} folder follows the day and the schedule, and
 * reading a verdict never touches the store on a client's request.
 */
final class TodaySessions implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TodaySessions.class);

    /** One refresh: the day, its sessions by start, the schools each session involves, their verdicts. */
    private record Day(LocalDate date, Map<String, SyncSession> sessions, Map<String, Set<String>> schools,
                       Map<String, SessionReadiness> verdicts) {
    }

    private final SessionStore store;
    private final SessionVerdicts verdicts;
    private final FleetRegistry registry;
    private final Clock clock;
    private final ZoneId zone;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "opcua-sessions");
        t.setDaemon(true);
        return t;
    });
    private volatile Day day = new Day(null, Map.of(), Map.of(), Map.of());
    private String lastError;

    TodaySessions(SessionStore store, SessionVerdicts verdicts, FleetRegistry registry, Clock clock, ZoneId zone) {
        this.store = store;
        this.verdicts = verdicts;
        this.registry = registry;
        this.clock = clock;
        this.zone = zone;
    }

    void start(Duration every) {
        refresh();
        thread.scheduleWithFixedDelay(this::refreshSafely, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Today's sessions, by start. */
    List<SyncSession> sessions() {
        return List.copyOf(day.sessions().values());
    }

    SyncSession session(String id) {
        return day.sessions().get(id);
    }

    /** The schools a session of today involves (lead and remote classrooms); empty for another session. */
    Set<String> schoolsOf(String sessionId) {
        return day.schools().getOrDefault(sessionId, Set.of());
    }

    /** The latest verdict of a session of today, or null when none is known yet. */
    SessionReadiness verdict(String sessionId) {
        return day.verdicts().get(sessionId);
    }

    /** A verdict just made (an on-demand check): seen at once, not after the next refresh. */
    void put(SessionReadiness readiness) {
        Day d = day;
        if (d.sessions().containsKey(readiness.sessionId())) {
            Map<String, SessionReadiness> v = new HashMap<>(d.verdicts());
            v.put(readiness.sessionId(), readiness);
            day = new Day(d.date(), d.sessions(), d.schools(), Map.copyOf(v));
        }
    }

    private void refreshSafely() {
        try {
            refresh();
            if (lastError != null) {
                log.info("OPC UA Sessions/Today refreshes again");
                lastError = null;
            }
        } catch (RuntimeException e) {
            if (!String.valueOf(e.getMessage()).equals(lastError)) {
                log.warn("OPC UA Sessions/Today not refreshed (kept the last one): {}", e.toString());
                lastError = String.valueOf(e.getMessage());
            }
        }
    }

    /** Reads the day's sessions and verdicts now; public to the package so tests with a moved clock can drive it. */
    void refresh() {
        Instant now = clock.instant();
        LocalDate date = LocalDate.ofInstant(now, zone);
        Instant from = date.atStartOfDay(zone).toInstant();
        Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
        Map<String, SyncSession> sessions = new LinkedHashMap<>();
        Map<String, Set<String>> schools = new HashMap<>();
        for (SyncSession s : store.overlapping(from, to)) {
            if (s.start().isBefore(from)) {
                continue; // yesterday's, running past midnight
            }
            sessions.put(s.id(), s);
            Set<String> of = new LinkedHashSet<>();
            for (String classroom : s.classroomIds()) {
                registry.schoolOfClassroom(classroom).ifPresent(of::add);
            }
            schools.put(s.id(), Set.copyOf(of));
        }
        Map<String, SessionReadiness> latest = sessions.isEmpty() ? Map.of()
                : new HashMap<>(verdicts.latest(List.copyOf(sessions.values())));
        Day before = day;
        if (!date.equals(before.date())) {
            log.info("OPC UA Sessions/Today: {} session(s) on {}", sessions.size(), date);
        }
        day = new Day(date, sessions, schools, latest);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
