-- The council's improvement plan (`cairn plan import`): the TOML file it was written as, kept
-- whole, with who imported it and when. The file is the plan: recommendations worded as the
-- inspection report words them, actions with their owners, self-reported statuses and notes, and
-- measures with their targets and trajectories; Cairn parses it again when it reads it, and
-- computes each measure's RAG from the record as at any date, so no rating is ever stored.
-- Importing replaces the plan held (one row, id 1) in one transaction.
CREATE TABLE improvement_plan (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  title TEXT NOT NULL,
  source_name TEXT NOT NULL,     -- the file's name as given to cairn plan import
  toml TEXT NOT NULL,            -- the file's text, exactly as imported
  recommendations INTEGER NOT NULL,
  actions INTEGER NOT NULL,
  measures INTEGER NOT NULL,
  imported_by TEXT NOT NULL,     -- "os:NAME" from the command line
  imported_at TEXT NOT NULL      -- UTC ISO 8601
);
