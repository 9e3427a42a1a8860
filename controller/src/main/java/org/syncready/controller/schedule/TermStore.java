package org.syncready.controller.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Term calendars, stored as their JSON form and held in memory (a bureau has a handful). */
public final class TermStore {
    private static final Logger log = LoggerFactory.getLogger(TermStore.class);

    private final DataSource pool;
    private final ObjectMapper json;
    private final Map<String, TermCalendar> terms = new ConcurrentHashMap<>();

    private TermStore(DataSource pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    public static TermStore load(DataSource pool, ObjectMapper json) throws SQLException {
        TermStore store = new TermStore(pool, json);
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT id, body FROM term");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                try {
                    store.terms.put(rs.getString(1), TermCalendar.fromJson(json, rs.getString(2)));
                } catch (TermCalendar.InvalidTermException e) {
                    // A stored term that no longer reads (rules tightened since) must not stop the controller.
                    log.warn("stored term {} is not valid any more and is skipped: {}", rs.getString(1), e.getMessage());
                }
            }
        }
        return store;
    }

    /** Creates or replaces a term; true when it replaced one. */
    public synchronized boolean put(TermCalendar term) throws SQLException {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO term(id, body, updated_at) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET body = excluded.body,"
                        + " updated_at = excluded.updated_at")) {
            ps.setString(1, term.id());
            ps.setString(2, term.toJson(json).toString());
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        }
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
