-- A child's names. Names are special category data: they live in these columns and, when one
-- changes, in that child_revision's JSON, and nowhere else (never in audit_log, never in a
-- return). The returns carry no names, so an imported child has none ('') until the council
-- records them. One column per statement: SQLite's ALTER TABLE adds one at a time.
ALTER TABLE child ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE child ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE child ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';  -- what the child likes to be called
