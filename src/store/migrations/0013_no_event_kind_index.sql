-- The index of events by kind and start date answered no query Cairn makes: every reader takes a
-- child's events (by child, through event_natural_key or the chronology image) or every event.
-- It cost every insert its upkeep, and a large import its rebuild (1 to 2 s of a 400,000-child
-- census, on SQLite and on PostgreSQL).
DROP INDEX IF EXISTS event_kind_start;
