#include "store/access_store.h"

#include <algorithm>
#include <map>
#include <utility>

#include "store/chronology_store.h"

namespace cairn::store {
namespace {

constexpr std::string_view kUserColumns =
    "id, username, role, worker_id, team_id, service, password_hash, must_change_password, disabled, "
    "failed_logins, locked_until, created_at, updated_at";

UserRecord ReadUser(const Statement& row) {
  UserRecord user;
  user.id = row.ColumnInt(0);
  user.username = row.ColumnText(1);
  user.role = row.ColumnText(2);
  user.worker_id = row.ColumnText(3);
  user.team_id = row.ColumnText(4);
  user.service = row.ColumnText(5);
  user.password_hash = row.ColumnText(6);
  user.must_change_password = row.ColumnInt(7) != 0;
  user.disabled = row.ColumnInt(8) != 0;
  user.failed_logins = static_cast<int>(row.ColumnInt(9));
  user.locked_until = row.ColumnInt(10);
  user.created_at = row.ColumnText(11);
  user.updated_at = row.ColumnText(12);
  return user;
}

Result<std::optional<UserRecord>> FindUserWhere(Connection& db, std::string_view where, const Value& key) {
  CAIRN_ASSIGN_OR_RETURN(auto select,
                         db.Prepare("SELECT " + std::string(kUserColumns) + " FROM app_user WHERE " + std::string(where)));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, key));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUser(*select));
}

GrantRecord ReadGrant(const Statement& row) {
  GrantRecord grant;
  grant.id = row.ColumnInt(0);
  grant.user_id = row.ColumnInt(1);
  grant.username = row.ColumnText(2);
  grant.scope = row.ColumnText(3);
  grant.target = row.ColumnText(4);
  grant.until_date = row.ColumnText(5);
  grant.reason = row.ColumnText(6);
  grant.granted_by = row.ColumnText(7);
  grant.created_at = row.ColumnText(8);
  grant.revoked_at = row.ColumnText(9);
  return grant;
}

// Every row of a statement, each read by `read`.
template <typename Read>
auto ReadAll(Statement& select, Read read) -> Result<std::vector<decltype(read(select))>> {
  std::vector<decltype(read(select))> rows;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    rows.push_back(read(select));
  }
  return rows;
}

constexpr std::string_view kGrantSelect =
    "SELECT g.id, g.user_id, u.username, g.scope, g.target, g.until_date, g.reason, g.granted_by, g.created_at, "
    "COALESCE(g.revoked_at, '') FROM access_grant g JOIN app_user u ON u.id = g.user_id";

}  // namespace

Result<int64_t> InsertUser(Connection& db, const UserRecord& user) {
  const std::string now = UtcTimestamp();
  CAIRN_ASSIGN_OR_RETURN(
      auto insert,
      db.Prepare("INSERT INTO app_user (username, role, worker_id, team_id, service, password_hash, "
                 "must_change_password, disabled, failed_logins, locked_until, created_at, updated_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"));
  CAIRN_RETURN_IF_ERROR(insert->BindAll({user.username, user.role, user.worker_id, user.team_id, user.service,
                                         user.password_hash, int64_t{user.must_change_password},
                                         int64_t{user.disabled}, int64_t{user.failed_logins}, user.locked_until,
                                         now}));
  Status ran = insert->Run();
  if (ran.code() == Status::Code::kAlreadyExists) {
    return Status::AlreadyExists("there is already a user named '" + user.username + "'");
  }
  CAIRN_RETURN_IF_ERROR(ran);
  return db.LastInsertId();
}

Result<std::optional<UserRecord>> FindUser(Connection& db, std::string_view username) {
  return FindUserWhere(db, "username = $1", std::string(username));
}

Result<std::optional<UserRecord>> FindUserById(Connection& db, int64_t id) {
  return FindUserWhere(db, "id = $1", id);
}

Result<std::vector<UserRecord>> ListUsers(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select,
                         db.Prepare("SELECT " + std::string(kUserColumns) + " FROM app_user ORDER BY username"));
  return ReadAll(*select, ReadUser);
}

Status UpdateUser(Connection& db, const UserRecord& user) {
  CAIRN_ASSIGN_OR_RETURN(
      auto update,
      db.Prepare("UPDATE app_user SET role = $2, worker_id = $3, team_id = $4, service = $5, password_hash = $6, "
                 "must_change_password = $7, disabled = $8, failed_logins = $9, locked_until = $10, "
                 "updated_at = $11 WHERE id = $1"));
  CAIRN_RETURN_IF_ERROR(update->BindAll({user.id, user.role, user.worker_id, user.team_id, user.service,
                                         user.password_hash, int64_t{user.must_change_password},
                                         int64_t{user.disabled}, int64_t{user.failed_logins}, user.locked_until,
                                         UtcTimestamp()}));
  CAIRN_RETURN_IF_ERROR(update->Run());
  CAIRN_ASSIGN_OR_RETURN(auto check, db.Prepare("SELECT 1 FROM app_user WHERE id = $1"));
  CAIRN_RETURN_IF_ERROR(check->Bind(1, user.id));
  CAIRN_ASSIGN_OR_RETURN(bool exists, check->Step());
  if (!exists) return Status::NotFound("there is no user with id " + std::to_string(user.id));
  return Status::Ok();
}

Status InsertSession(Connection& db, const SessionRecord& session) {
  return db.Execute("INSERT INTO user_session (token_hash, user_id, csrf_token, created_at, last_seen) "
                    "VALUES ($1, $2, $3, $4, $5)",
                    {session.token_hash, session.user_id, session.csrf_token, session.created_at, session.last_seen});
}

Result<std::optional<SessionRecord>> FindSession(Connection& db, std::string_view token_hash) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT token_hash, user_id, csrf_token, created_at, last_seen "
                                                 "FROM user_session WHERE token_hash = $1"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, token_hash));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(SessionRecord{std::string(select->ColumnText(0)), select->ColumnInt(1),
                                                    std::string(select->ColumnText(2)), select->ColumnInt(3),
                                                    select->ColumnInt(4)});
}

Status TouchSession(Connection& db, std::string_view token_hash, int64_t now) {
  return db.Execute("UPDATE user_session SET last_seen = $2 WHERE token_hash = $1", {std::string(token_hash), now});
}

Status DeleteSession(Connection& db, std::string_view token_hash) {
  return db.Execute("DELETE FROM user_session WHERE token_hash = $1", {std::string(token_hash)});
}

Status DeleteUserSessions(Connection& db, int64_t user_id) {
  return db.Execute("DELETE FROM user_session WHERE user_id = $1", {user_id});
}

Result<int64_t> DeleteSessionsIdleSince(Connection& db, int64_t cutoff) {
  CAIRN_ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT COUNT(*) FROM user_session WHERE last_seen < $1"));
  CAIRN_RETURN_IF_ERROR(count->Bind(1, cutoff));
  CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
  const int64_t stale = row ? count->ColumnInt(0) : 0;
  count.reset();
  CAIRN_RETURN_IF_ERROR(db.Execute("DELETE FROM user_session WHERE last_seen < $1", {cutoff}));
  return stale;
}

Result<int64_t> InsertGrant(Connection& db, const GrantRecord& grant) {
  CAIRN_ASSIGN_OR_RETURN(auto insert,
                         db.Prepare("INSERT INTO access_grant (user_id, scope, target, until_date, reason, granted_by, "
                                    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"));
  CAIRN_RETURN_IF_ERROR(insert->BindAll({grant.user_id, grant.scope, grant.target, grant.until_date, grant.reason,
                                         grant.granted_by, UtcTimestamp()}));
  CAIRN_RETURN_IF_ERROR(insert->Run());
  return db.LastInsertId();
}

Result<std::vector<GrantRecord>> GrantsOfUser(Connection& db, int64_t user_id) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare(std::string(kGrantSelect) + " WHERE g.user_id = $1 ORDER BY g.id"));
  CAIRN_RETURN_IF_ERROR(select->Bind(1, user_id));
  return ReadAll(*select, ReadGrant);
}

Result<std::vector<GrantRecord>> ListGrants(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare(std::string(kGrantSelect) + " ORDER BY g.id"));
  return ReadAll(*select, ReadGrant);
}

Status RevokeGrant(Connection& db, int64_t grant_id, std::string_view at) {
  return db.Execute("UPDATE access_grant SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                    {grant_id, std::string(at)});
}

Status PutRestriction(Connection& db, const RestrictionRecord& restriction) {
  CAIRN_RETURN_IF_ERROR(db.Execute(
      "INSERT INTO restricted_child (la_child_id, reason, restricted_by, created_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (la_child_id) DO UPDATE SET reason = excluded.reason, restricted_by = excluded.restricted_by",
      {restriction.la_child_id, restriction.reason, restriction.restricted_by, UtcTimestamp()}));
  CAIRN_RETURN_IF_ERROR(
      db.Execute("DELETE FROM restricted_child_user WHERE la_child_id = $1", {restriction.la_child_id}));
  CAIRN_ASSIGN_OR_RETURN(auto allow,
                         db.Prepare("INSERT INTO restricted_child_user (la_child_id, username) VALUES ($1, $2) "
                                    "ON CONFLICT DO NOTHING"));
  for (const std::string& username : restriction.allowed) {
    CAIRN_RETURN_IF_ERROR(allow->BindAll({restriction.la_child_id, username}));
    CAIRN_RETURN_IF_ERROR(allow->Run());
  }
  return Status::Ok();
}

Status RemoveRestriction(Connection& db, std::string_view la_child_id) {
  CAIRN_RETURN_IF_ERROR(
      db.Execute("DELETE FROM restricted_child_user WHERE la_child_id = $1", {std::string(la_child_id)}));
  return db.Execute("DELETE FROM restricted_child WHERE la_child_id = $1", {std::string(la_child_id)});
}

Result<int64_t> AccessGeneration(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT n FROM access_generation WHERE id = 1"));
  CAIRN_ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return Status::Internal("the access_generation row is missing; the database's schema is damaged");
  return select->ColumnInt(0);
}

Result<std::vector<RestrictionRecord>> ListRestrictions(Connection& db) {
  CAIRN_ASSIGN_OR_RETURN(auto select, db.Prepare("SELECT la_child_id, reason, restricted_by, created_at "
                                                 "FROM restricted_child ORDER BY la_child_id"));
  std::vector<RestrictionRecord> restrictions;
  std::map<std::string, size_t> index;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, select->Step());
    if (!row) break;
    index[std::string(select->ColumnText(0))] = restrictions.size();
    restrictions.push_back({std::string(select->ColumnText(0)), std::string(select->ColumnText(1)),
                            std::string(select->ColumnText(2)), std::string(select->ColumnText(3)), {}});
  }
  select.reset();
  CAIRN_ASSIGN_OR_RETURN(auto users, db.Prepare("SELECT la_child_id, username FROM restricted_child_user "
                                                "ORDER BY la_child_id, username"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, users->Step());
    if (!row) break;
    auto found = index.find(std::string(users->ColumnText(0)));
    if (found != index.end()) restrictions[found->second].allowed.emplace_back(users->ColumnText(1));
  }
  return restrictions;
}

}  // namespace cairn::store
