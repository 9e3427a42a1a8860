package org.syncready.controller.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Term calendars, kept in a {@link ScheduleStore} as their JSON form and held in memory (a bureau has a handful). */
public final class TermStore {
    private static final Logger log = LoggerFactory.getLogger(TermStore.class);

    private final ScheduleStore store;
    private final ObjectMapper json;
    private final Map<String, TermCalendar> terms = new ConcurrentHashMap<>();

    private TermStore(ScheduleStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    public static TermStore load(ScheduleStore store, ObjectMapper json) {
        TermStore terms = new TermStore(store, json);
        terms.reload();
        return terms;
    }

    /** Reads every term again (at start, and when another controller node changed the schedule). */
    public synchronized void reload() {
        Map<String, TermCalendar> read = new java.util.HashMap<>();
        store.terms().forEach((id, body) -> {
            try {
                read.put(id, TermCalendar.fromJson(json, body));
            } catch (TermCalendar.InvalidTermException e) {
                // A stored term that no longer reads (rules tightened since) must not stop the controller.
                log.warn("stored term {} is not valid any more and is skipped: {}", id, e.getMessage());
            }
        });
        terms.putAll(read);
        terms.keySet().retainAll(read.keySet());
    }

    /** Creates or replaces a term; true when it replaced one. */
    public synchronized boolean put(TermCalendar term) {
        store.putTerm(term.id(), term.toJson(json).toString());
        boolean replaced = terms.put(term.id(), term) != null;
        log.info("term {} term={} {}..{}", replaced ? "replaced" : "created", term.id(), term.firstDay(), term.lastDay());
        return replaced;
    }

    public Optional<TermCalendar> get(String id) {
        return Optional.ofNullable(terms.get(id));
    }

    public List<TermCalendar> list() {
        return terms.values().stream().sorted(Comparator.comparing(TermCalendar::firstDay)).toList();
    }
}
