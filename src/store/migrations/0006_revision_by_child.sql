-- A child's revision history is read on every view of the child's page: one index range by
-- child, rather than a probe of event_revision for each of the child's events (141 for a child
-- in care for five years). Rows written before this migration get their child from the event.
ALTER TABLE event_revision ADD COLUMN child_id INTEGER REFERENCES child(id);
UPDATE event_revision SET child_id = (SELECT event.child_id FROM event WHERE event.id = event_revision.event_id);
CREATE INDEX event_revision_child ON event_revision(child_id, recorded_at, id);
