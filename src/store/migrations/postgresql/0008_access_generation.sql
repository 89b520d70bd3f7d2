-- PostgreSQL's reading of 0008_access_generation.sql: the same table and the same triggers, each
-- calling one function, since PostgreSQL's triggers run functions rather than statements.
-- Who may see what changes rarely; pages are read all the time. `cairn serve` keeps sessions,
-- users, grants and restrictions in memory and reads one number per request, access_generation.n,
-- which any change to those tables moves on through the triggers below, whoever makes it (a
-- page, the command line, another server on the same database). Refreshing a session's idle
-- timer (last_seen) and counting failed sign-ins are not changes of access and leave it alone.
CREATE TABLE access_generation (
  id BIGINT PRIMARY KEY CHECK (id = 1),
  n BIGINT NOT NULL
);
INSERT INTO access_generation (id, n) VALUES (1, 0);

CREATE FUNCTION access_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE access_generation SET n = n + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;

CREATE TRIGGER app_user_inserted AFTER INSERT ON app_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER app_user_updated AFTER UPDATE OF id, username, role, worker_id, team_id, service, password_hash, must_change_password, disabled ON app_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER app_user_deleted AFTER DELETE ON app_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();

CREATE TRIGGER user_session_inserted AFTER INSERT ON user_session
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER user_session_updated AFTER UPDATE OF token_hash, user_id, csrf_token, created_at ON user_session
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER user_session_deleted AFTER DELETE ON user_session
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();

CREATE TRIGGER access_grant_inserted AFTER INSERT ON access_grant
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER access_grant_updated AFTER UPDATE ON access_grant
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER access_grant_deleted AFTER DELETE ON access_grant
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();

CREATE TRIGGER restricted_child_inserted AFTER INSERT ON restricted_child
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER restricted_child_updated AFTER UPDATE ON restricted_child
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER restricted_child_deleted AFTER DELETE ON restricted_child
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();

CREATE TRIGGER restricted_child_user_inserted AFTER INSERT ON restricted_child_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER restricted_child_user_updated AFTER UPDATE ON restricted_child_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
CREATE TRIGGER restricted_child_user_deleted AFTER DELETE ON restricted_child_user
  FOR EACH ROW EXECUTE FUNCTION access_generation_bump();
