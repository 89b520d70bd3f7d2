-- Settings a council can change while Cairn runs (its name, the start of its reporting year,
-- and the like): one row per setting, the value as text, and when it was last changed.
CREATE TABLE setting (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL  -- UTC, ISO 8601, e.g. 2024-04-01T09:30:00Z
);
