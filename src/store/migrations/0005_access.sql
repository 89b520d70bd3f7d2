-- Who may use Cairn, their sessions, time-limited grants, restricted records, and an audit trail
-- that shows when it has been tampered with.

-- A person who signs in. Linked to a worker id (SW_ID in the SSDA903, worker.id) and a team so
-- that "my children" and "my team" come from the allocations already in the record.
CREATE TABLE app_user (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,                        -- a role id from data/access/roles.toml
  worker_id TEXT NOT NULL DEFAULT '',
  team_id TEXT NOT NULL DEFAULT '',
  service TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,               -- Argon2id, libsodium's string form (holds its parameters)
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,  -- consecutive failures since the last success
  locked_until INTEGER NOT NULL DEFAULT 0,   -- Unix seconds; 0 when not locked
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- A signed-in browser. Only a hash of the session token is kept: a copy of the database does not
-- let anyone sign in as its users.
CREATE TABLE user_session (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,               -- Unix seconds
  last_seen INTEGER NOT NULL                 -- Unix seconds, refreshed at most once a minute
);
CREATE INDEX user_session_user ON user_session(user_id);

-- Access given to one user for a while: to one child, one team or every child. Inspectors work
-- only through grants. A grant is never deleted; revoking it sets revoked_at.
CREATE TABLE access_grant (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES app_user(id),
  scope TEXT NOT NULL CHECK (scope IN ('child', 'team', 'all')),
  target TEXT NOT NULL DEFAULT '',           -- the LA child id or team id; '' for all
  until_date TEXT NOT NULL,                  -- the last day it is in force (YYYY-MM-DD)
  reason TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX access_grant_user ON access_grant(user_id);

-- A restricted record (a staff member's child, a high-profile child, an adopted child's birth
-- record): only the users listed in restricted_child_user see it.
CREATE TABLE restricted_child (
  la_child_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  restricted_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE restricted_child_user (
  la_child_id TEXT NOT NULL REFERENCES restricted_child(la_child_id),
  username TEXT NOT NULL,
  PRIMARY KEY (la_child_id, username)
);

-- The audit trail becomes a hash chain. Each row's hash (BLAKE2b-256, hex) covers its own
-- fields and the previous row's hash, and audit_head holds the last row's id and hash, so an
-- edited, deleted, inserted or reordered row breaks the chain at that row (`cairn audit verify`).
-- Rows written before this migration are sealed into the chain the first time Cairn appends.
-- child_id is no longer written: `children` names every child a row concerns, by LA child id,
-- and audit_child indexes them for "who looked at this child".
ALTER TABLE audit_log ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN route TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN children TEXT NOT NULL DEFAULT '';  -- LA child ids, space-separated
ALTER TABLE audit_log ADD COLUMN client TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
UPDATE audit_log SET children = (SELECT la_child_id FROM child WHERE child.id = audit_log.child_id)
  WHERE child_id IS NOT NULL;
CREATE INDEX audit_log_actor ON audit_log(actor, id);

CREATE TABLE audit_child (
  audit_id INTEGER NOT NULL,
  la_child_id TEXT NOT NULL
);
CREATE INDEX audit_child_child ON audit_child(la_child_id, audit_id);
INSERT INTO audit_child (audit_id, la_child_id) SELECT id, children FROM audit_log WHERE children <> '';

CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL,
  hash TEXT NOT NULL
);
