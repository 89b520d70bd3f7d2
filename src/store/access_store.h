// Users, sessions, grants and restricted records, as stored. What they mean (who may see what)
// is access/'s business; this file only reads and writes rows, binding every value.
//
// Writes do not open their own transaction: a caller that changes several rows and audits the
// change wraps them in a store::Transaction so they commit together.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/database.h"

namespace cairn::store {

struct UserRecord {
  int64_t id = 0;
  std::string username;
  std::string role;
  std::string worker_id;
  std::string team_id;
  std::string service;
  std::string password_hash;
  bool must_change_password = false;
  bool disabled = false;
  int failed_logins = 0;
  int64_t locked_until = 0;  // Unix seconds; 0 when not locked
  std::string created_at;
  std::string updated_at;
};

// Adds a user and returns its id; a username already taken is AlreadyExists naming it.
Result<int64_t> InsertUser(Connection& db, const UserRecord& user);
Result<std::optional<UserRecord>> FindUser(Connection& db, std::string_view username);
Result<std::optional<UserRecord>> FindUserById(Connection& db, int64_t id);
// Every user, by username.
Result<std::vector<UserRecord>> ListUsers(Connection& db);
// Writes every field but id, username and created_at; NotFound when there is no such user.
Status UpdateUser(Connection& db, const UserRecord& user);

struct SessionRecord {
  std::string token_hash;  // hex BLAKE2b of the token the browser holds
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;  // Unix seconds
  int64_t last_seen = 0;
};
Status InsertSession(Connection& db, const SessionRecord& session);
Result<std::optional<SessionRecord>> FindSession(Connection& db, std::string_view token_hash);
Status TouchSession(Connection& db, std::string_view token_hash, int64_t now);
Status DeleteSession(Connection& db, std::string_view token_hash);
// Ends every session of a user (disabled, password reset, role changed).
Status DeleteUserSessions(Connection& db, int64_t user_id);
// Removes sessions last seen before `cutoff` (Unix seconds); returns how many.
Result<int64_t> DeleteSessionsIdleSince(Connection& db, int64_t cutoff);

struct GrantRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string username;       // filled when read
  std::string scope;          // "child", "team" or "all"
  std::string target;         // LA child id, team id, or "" for all
  std::string until_date;     // YYYY-MM-DD, the last day in force
  std::string reason;
  std::string granted_by;
  std::string created_at;
  std::string revoked_at;     // "" while not revoked
};
Result<int64_t> InsertGrant(Connection& db, const GrantRecord& grant);
// A user's grants, revoked and expired ones included (the caller decides what is in force).
Result<std::vector<GrantRecord>> GrantsOfUser(Connection& db, int64_t user_id);
Result<std::vector<GrantRecord>> ListGrants(Connection& db);
Status RevokeGrant(Connection& db, int64_t grant_id, std::string_view at);

struct RestrictionRecord {
  std::string la_child_id;
  std::string reason;
  std::string restricted_by;
  std::string created_at;
  std::vector<std::string> allowed;  // usernames, sorted
};
// Restricts a child (or replaces an existing restriction's reason and allowed users).
Status PutRestriction(Connection& db, const RestrictionRecord& restriction);
Status RemoveRestriction(Connection& db, std::string_view la_child_id);
// Every restricted child, by LA child id.
Result<std::vector<RestrictionRecord>> ListRestrictions(Connection& db);

// A number that moves on with every change to users, sessions (not their idle timer), grants and
// restrictions, whoever makes it (triggers keep it): while it stands still, what was read from
// those tables still holds.
Result<int64_t> AccessGeneration(Connection& db);

}  // namespace cairn::store
