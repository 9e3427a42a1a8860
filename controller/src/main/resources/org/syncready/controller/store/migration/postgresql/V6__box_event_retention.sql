-- PostgreSQL twin of sqlite/V6: the retention job deletes events by time across all boxes.
CREATE INDEX box_event_at ON box_event(at);
