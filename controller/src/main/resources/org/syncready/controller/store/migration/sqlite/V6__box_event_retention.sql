-- Events are pruned after a retention period (--event-retention-days); the retention job deletes by
-- time across all boxes, which the (box_id, at) index cannot serve without a full scan.
CREATE INDEX box_event_at ON box_event(at);
