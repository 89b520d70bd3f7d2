-- Children's chronologies. One row per child; one row per event of their journey. Nothing is
-- overwritten silently: a change to a child's details or to an event keeps the previous version
-- in a revision table with who, when and why. Dates are ISO text (YYYY-MM-DD).

CREATE TABLE child (
  id INTEGER PRIMARY KEY,
  la_child_id TEXT NOT NULL UNIQUE,          -- the council's own identifier (LAchildID / CHILD)
  upn TEXT NOT NULL DEFAULT '',
  former_upn TEXT NOT NULL DEFAULT '',
  upn_unknown TEXT NOT NULL DEFAULT '',
  birth_date TEXT,
  expected_birth_date TEXT,
  death_date TEXT,
  sex TEXT NOT NULL DEFAULT '',              -- as recorded (1/2, M/F/U, 0/9)
  ethnicity TEXT NOT NULL DEFAULT '',
  disabilities TEXT NOT NULL DEFAULT '',     -- codes, comma-separated, in the order given
  uasc INTEGER NOT NULL DEFAULT 0,
  uasc_ceased TEXT,
  mother TEXT NOT NULL DEFAULT '',
  mother_child_birth_date TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE child_revision (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES child(id),
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  previous TEXT NOT NULL                     -- JSON: the child's details before the change
);
CREATE INDEX child_revision_child ON child_revision(child_id);

CREATE TABLE event (
  id INTEGER PRIMARY KEY,
  child_id INTEGER NOT NULL REFERENCES child(id),
  kind TEXT NOT NULL,                        -- an id from model/event_kind.cpp: 'cp-plan', ...
  start_date TEXT NOT NULL,
  end_date TEXT,
  parent_id INTEGER REFERENCES event(id),    -- e.g. the CIN episode an assessment belongs to
  -- What tells this event apart from the child's others (kind, parent, start date, key fields):
  -- re-importing a return finds the same event by it instead of adding a copy.
  natural_key TEXT NOT NULL,
  fields TEXT NOT NULL,                      -- JSON object: field name -> value as recorded
  source TEXT NOT NULL,                      -- 'ssda903', 'cin-census', 'cairn', 'simulation'
  revision INTEGER NOT NULL DEFAULT 1,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX event_natural_key ON event(child_id, natural_key);
CREATE INDEX event_kind_start ON event(kind, start_date);

-- The returns (collection years) that reported each event, so a council's submitted return
-- can be written back exactly as it was sent.
CREATE TABLE event_report (
  event_id INTEGER NOT NULL REFERENCES event(id),
  collection_year INTEGER NOT NULL,
  PRIMARY KEY (event_id, collection_year)
);

CREATE TABLE event_revision (
  id INTEGER PRIMARY KEY,
  event_id INTEGER NOT NULL REFERENCES event(id),
  revision INTEGER NOT NULL,                 -- the revision this row replaced
  action TEXT NOT NULL,                      -- 'amended' or 'withdrawn'
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  previous TEXT NOT NULL                     -- JSON: {"start", "end", "fields"} before the change
);
CREATE INDEX event_revision_event ON event_revision(event_id);

CREATE TABLE team (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  service TEXT NOT NULL DEFAULT ''
);

CREATE TABLE worker (
  id TEXT PRIMARY KEY,                       -- the council's staff id (SW_ID in the SSDA903)
  name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  team_id TEXT REFERENCES team(id),
  agency INTEGER NOT NULL DEFAULT 0,
  started TEXT,
  left_on TEXT
);

-- Every read and change of a child's record: who, when, what, and which child.
-- Holds identifiers only, never the content of the record.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,                      -- 'read', 'create', 'amend', 'withdraw', 'import', 'export'
  child_id INTEGER REFERENCES child(id),     -- NULL for whole-council actions (an export)
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_child ON audit_log(child_id);
