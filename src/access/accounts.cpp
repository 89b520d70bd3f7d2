#include "access/accounts.h"

#include <algorithm>
#include <utility>

#include "store/audit.h"
#include "store/chronology_store.h"

namespace cairn::access {
namespace {

// A wrong password costs an Argon2id computation; an unknown user must cost the same, or timing
// would tell which usernames exist. This hash is of a random password nobody knows.
const std::string& DecoyHash(const PasswordHasher& hasher) {
  static const std::string decoy = hasher.Hash(RandomToken(16)).value();
  return decoy;
}

std::string_view GrantKindName(Grant::Kind kind) {
  switch (kind) {
    case Grant::Kind::kChild: return "child";
    case Grant::Kind::kTeam: return "team";
    case Grant::Kind::kAll: return "all";
  }
  return "child";
}

}  // namespace

Status CheckIdentifier(std::string_view value, std::string_view what) {
  if (value.empty()) return Status::InvalidArgument(std::string(what) + " is empty");
  if (value.size() > 64) return Status::InvalidArgument(std::string(what) + " is longer than 64 characters");
  for (unsigned char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '@' || c == '/';
    if (!ok) {
      return Status::InvalidArgument(std::string(what) +
                                     " may hold only letters, digits and . _ - @ / (no spaces or other characters)");
    }
  }
  return Status::Ok();
}

Accounts::Accounts(store::Connection& db, const RoleCatalogue& roles, const Clock& clock, PasswordHasher hasher,
                   SessionPolicy policy)
    : db_(db), roles_(roles), clock_(clock), hasher_(hasher), policy_(policy) {}

store::AuditEntry Actor::Entry(std::string_view action, std::string_view outcome, std::vector<std::string> children,
                               std::string_view detail) const {
  store::AuditEntry entry;
  entry.actor = name.empty() ? "anonymous" : name;
  entry.role = role;
  entry.action = action;
  entry.route = route;
  entry.children = std::move(children);
  entry.client = client;
  entry.outcome = outcome;
  entry.detail = detail;
  return entry;
}

Status Accounts::Audit(const Actor& by, std::string_view action, std::string_view outcome, std::string_view detail,
                       std::vector<std::string> children) {
  return store::AppendAudit(db_, by.Entry(action, outcome, std::move(children), detail));
}

Result<store::UserRecord> Accounts::RequireUser(std::string_view username) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::UserRecord> user, store::FindUser(db_, username));
  if (!user) return Status::NotFound("there is no user named '" + std::string(username) + "'");
  return std::move(*user);
}

Result<Accounts::Created> Accounts::AddUser(const NewUser& user, const Actor& by) {
  CAIRN_RETURN_IF_ERROR(CheckIdentifier(user.username, "the username"));
  if (roles_.Find(user.role) == nullptr) {
    return Status::InvalidArgument("there is no role '" + user.role + "'; the roles are " + roles_.Ids());
  }
  if (!user.worker_id.empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(user.worker_id, "the worker id"));
  if (!user.team_id.empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(user.team_id, "the team"));
  if (!user.service.empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(user.service, "the service"));
  const Role& role = *roles_.Find(user.role);
  if (role.scope == Scope::kAllocated && user.worker_id.empty()) {
    return Status::InvalidArgument("a " + role.id + " needs --worker (their SW_ID), or they will see no children");
  }
  if (role.scope == Scope::kTeam && user.team_id.empty()) {
    return Status::InvalidArgument("a " + role.id + " needs --team, or they will see no children");
  }
  if (role.scope == Scope::kService && user.service.empty()) {
    return Status::InvalidArgument("a " + role.id + " needs --service, or they will see no children");
  }
  Created created;
  std::string password;
  if (user.password) {
    CAIRN_RETURN_IF_ERROR(CheckPasswordPolicy(*user.password, user.username));
    password = *user.password;
  } else {
    password = created.one_time_password = OneTimePassword();
  }
  store::UserRecord record;
  record.username = user.username;
  record.role = user.role;
  record.worker_id = user.worker_id;
  record.team_id = user.team_id;
  record.service = user.service;
  CAIRN_ASSIGN_OR_RETURN(record.password_hash, hasher_.Hash(password));
  record.must_change_password = !user.password.has_value();
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_ASSIGN_OR_RETURN(created.id, store::InsertUser(db_, record));
  CAIRN_RETURN_IF_ERROR(Audit(by, "user-add", "ok", "user " + user.username + " role " + user.role));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return created;
}

Status Accounts::SetRole(std::string_view username, std::string_view role, const std::optional<std::string>& worker_id,
                         const std::optional<std::string>& team_id, const std::optional<std::string>& service,
                         const Actor& by) {
  if (roles_.Find(role) == nullptr) {
    return Status::InvalidArgument("there is no role '" + std::string(role) + "'; the roles are " + roles_.Ids());
  }
  if (worker_id && !worker_id->empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(*worker_id, "the worker id"));
  if (team_id && !team_id->empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(*team_id, "the team"));
  if (service && !service->empty()) CAIRN_RETURN_IF_ERROR(CheckIdentifier(*service, "the service"));
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_ASSIGN_OR_RETURN(store::UserRecord user, RequireUser(username));
  const std::string before = user.role;
  user.role = role;
  if (worker_id) user.worker_id = *worker_id;
  if (team_id) user.team_id = *team_id;
  if (service) user.service = *service;
  CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
  CAIRN_RETURN_IF_ERROR(store::DeleteUserSessions(db_, user.id));
  CAIRN_RETURN_IF_ERROR(Audit(by, "user-role", "ok", "user " + user.username + " role " + before + " -> " + user.role));
  return transaction.Commit();
}

Status Accounts::SetDisabled(std::string_view username, bool disabled, const Actor& by) {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_ASSIGN_OR_RETURN(store::UserRecord user, RequireUser(username));
  user.disabled = disabled;
  if (!disabled) {
    user.failed_logins = 0;
    user.locked_until = 0;
  }
  CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
  if (disabled) CAIRN_RETURN_IF_ERROR(store::DeleteUserSessions(db_, user.id));
  CAIRN_RETURN_IF_ERROR(Audit(by, disabled ? "user-disable" : "user-enable", "ok", "user " + user.username));
  return transaction.Commit();
}

Result<std::string> Accounts::ResetPassword(std::string_view username, const std::optional<std::string>& password,
                                            const Actor& by) {
  std::string chosen;
  std::string one_time;
  if (password) {
    CAIRN_RETURN_IF_ERROR(CheckPasswordPolicy(*password, username));
    chosen = *password;
  } else {
    chosen = one_time = OneTimePassword();
  }
  CAIRN_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(chosen));
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_ASSIGN_OR_RETURN(store::UserRecord user, RequireUser(username));
  user.password_hash = std::move(hash);
  user.must_change_password = !password.has_value();
  user.failed_logins = 0;
  user.locked_until = 0;
  CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
  CAIRN_RETURN_IF_ERROR(store::DeleteUserSessions(db_, user.id));
  CAIRN_RETURN_IF_ERROR(Audit(by, "user-reset-password", "ok", "user " + user.username));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return one_time;
}

Status Accounts::ChangePassword(int64_t user_id, std::string_view old_password, std::string_view new_password,
                                const Actor& by) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::UserRecord> found, store::FindUserById(db_, user_id));
  if (!found) return Status::NotFound("there is no such user");
  store::UserRecord user = std::move(*found);
  if (!hasher_.Verify(user.password_hash, old_password)) {
    CAIRN_RETURN_IF_ERROR(Audit(by, "password-change", "refused", "user " + user.username + ": wrong current password"));
    return Status::InvalidArgument("the current password is not right");
  }
  CAIRN_RETURN_IF_ERROR(CheckPasswordPolicy(new_password, user.username));
  if (new_password == old_password) return Status::InvalidArgument("the new password must differ from the current one");
  CAIRN_ASSIGN_OR_RETURN(user.password_hash, hasher_.Hash(new_password));
  user.must_change_password = false;
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
  CAIRN_RETURN_IF_ERROR(Audit(by, "password-change", "ok", "user " + user.username));
  return transaction.Commit();
}

Result<Accounts::SignIn> Accounts::SignInWithPassword(std::string_view username, std::string_view password,
                                                      const Actor& from) {
  SignIn result;
  const int64_t now = clock_.UnixSeconds();
  Actor actor = from;
  std::optional<store::UserRecord> found;
  // Only a well-formed username is looked up or written down: people type passwords into the
  // username box, and the audit trail must not keep them.
  if (CheckIdentifier(username, "the username").ok()) {
    CAIRN_ASSIGN_OR_RETURN(found, store::FindUser(db_, username));
  }
  if (!found) {
    (void)hasher_.Verify(DecoyHash(hasher_), password);
    actor.name = "unknown";
    CAIRN_RETURN_IF_ERROR(Audit(actor, "login-failed", "refused", "no such user"));
    return result;
  }
  store::UserRecord user = std::move(*found);
  actor.name = user.username;
  actor.role = user.role;
  const bool password_ok = hasher_.Verify(user.password_hash, password);
  if (user.disabled) {
    CAIRN_RETURN_IF_ERROR(Audit(actor, "login-failed", "refused", "account disabled"));
    return result;
  }
  if (user.locked_until > now) {
    CAIRN_RETURN_IF_ERROR(Audit(actor, "login-failed", "refused", "account locked"));
    return result;
  }
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  if (!password_ok) {
    user.failed_logins += 1;
    const bool lock = user.failed_logins >= policy_.max_failed_logins;
    if (lock) {
      user.locked_until = now + policy_.lockout_seconds;
      user.failed_logins = 0;
    }
    CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
    CAIRN_RETURN_IF_ERROR(Audit(actor, "login-failed", "refused", "wrong password"));
    if (lock) {
      CAIRN_RETURN_IF_ERROR(Audit(actor, "lockout", "ok",
                                  "locked for " + std::to_string(policy_.lockout_seconds / 60) + " minutes after " +
                                      std::to_string(policy_.max_failed_logins) + " failed sign-ins"));
    }
    CAIRN_RETURN_IF_ERROR(transaction.Commit());
    return result;
  }
  user.failed_logins = 0;
  user.locked_until = 0;
  if (hasher_.NeedsRehash(user.password_hash)) {
    CAIRN_ASSIGN_OR_RETURN(user.password_hash, hasher_.Hash(password));
  }
  CAIRN_RETURN_IF_ERROR(store::UpdateUser(db_, user));
  result.outcome = SignIn::Outcome::kSignedIn;
  result.token = RandomToken(32);
  result.csrf_token = RandomToken(32);
  result.must_change_password = user.must_change_password;
  CAIRN_RETURN_IF_ERROR(store::InsertSession(db_, {TokenHash(result.token), user.id, result.csrf_token, now, now}));
  CAIRN_RETURN_IF_ERROR(Audit(actor, "login", "ok", ""));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return result;
}

Result<Principal> Accounts::PrincipalOf(const store::UserRecord& user) {
  Principal principal;
  principal.user_id = user.id;
  principal.username = user.username;
  principal.role = roles_.Find(user.role);
  principal.worker_id = user.worker_id;
  principal.team_id = user.team_id;
  principal.service = user.service;
  CAIRN_ASSIGN_OR_RETURN(std::vector<store::GrantRecord> grants, store::GrantsOfUser(db_, user.id));
  const Date today = clock_.Today();
  for (const store::GrantRecord& record : grants) {
    if (!record.revoked_at.empty()) continue;
    Result<Date> until = Date::ParseIso(record.until_date);
    if (!until.ok() || *until < today) continue;
    Grant grant;
    grant.kind = record.scope == "all" ? Grant::Kind::kAll : record.scope == "team" ? Grant::Kind::kTeam
                                                                                     : Grant::Kind::kChild;
    grant.target = record.target;
    grant.until = *until;
    principal.grants.push_back(std::move(grant));
  }
  return principal;
}

Result<std::optional<Accounts::Session>> Accounts::Resume(std::string_view token) {
  if (token.size() != 64) return std::optional<Session>();
  const std::string hash = TokenHash(token);
  const int64_t now = clock_.UnixSeconds();
  const Date today = clock_.Today();
  // Read before the session, so that what is cached under it is at least as new as it.
  std::optional<int64_t> generation;
  if (cache_ != nullptr) {
    CAIRN_ASSIGN_OR_RETURN(generation, store::AccessGeneration(db_));
    if (std::optional<AccessCache::CachedSession> cached = cache_->FindSession(hash, *generation, today)) {
      const store::SessionRecord& record = cached->record;
      if (now - record.last_seen <= policy_.idle_seconds && now - record.created_at <= policy_.absolute_seconds) {
        if (now - record.last_seen >= 60) {
          CAIRN_RETURN_IF_ERROR(store::TouchSession(db_, hash, now));
          cache_->Touched(hash, now);
        }
        return std::optional<Session>(std::move(cached->session));
      }
      // Timed out: the path below ends it in the database, which empties the cache.
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::SessionRecord> record, store::FindSession(db_, hash));
  if (!record) return std::optional<Session>();
  if (now - record->last_seen > policy_.idle_seconds || now - record->created_at > policy_.absolute_seconds) {
    CAIRN_RETURN_IF_ERROR(store::DeleteSession(db_, hash));
    return std::optional<Session>();
  }
  CAIRN_ASSIGN_OR_RETURN(std::optional<store::UserRecord> user, store::FindUserById(db_, record->user_id));
  if (!user || user->disabled || roles_.Find(user->role) == nullptr) return std::optional<Session>();
  // Refreshed at most once a minute: a write per request would cost more than the request.
  if (now - record->last_seen >= 60) {
    CAIRN_RETURN_IF_ERROR(store::TouchSession(db_, hash, now));
    record->last_seen = now;
  }
  Session session;
  CAIRN_ASSIGN_OR_RETURN(session.principal, PrincipalOf(*user));
  session.csrf_token = record->csrf_token;
  session.token_hash = hash;
  session.must_change_password = user->must_change_password;
  if (cache_ != nullptr) cache_->PutSession(hash, *generation, today, AccessCache::CachedSession{*record, session});
  return std::optional<Session>(std::move(session));
}

Status Accounts::SignOut(std::string_view token, const Actor& by) {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_RETURN_IF_ERROR(store::DeleteSession(db_, TokenHash(token)));
  CAIRN_RETURN_IF_ERROR(Audit(by, "logout", "ok", ""));
  return transaction.Commit();
}

Result<int64_t> Accounts::GrantAccess(const NewGrant& grant, const Actor& by) {
  if (grant.kind != Grant::Kind::kAll) {
    CAIRN_RETURN_IF_ERROR(CheckIdentifier(grant.target, grant.kind == Grant::Kind::kTeam ? "the team" : "the child id"));
  }
  if (grant.until < clock_.Today()) {
    return Status::InvalidArgument("the grant would end on " + grant.until.ToIso() + ", which has already passed");
  }
  if (grant.reason.empty()) return Status::InvalidArgument("say why the grant is given (--reason)");
  if (grant.reason.size() > 500) return Status::InvalidArgument("the reason is longer than 500 characters");
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_ASSIGN_OR_RETURN(store::UserRecord user, RequireUser(grant.username));
  store::GrantRecord record;
  record.user_id = user.id;
  record.scope = GrantKindName(grant.kind);
  record.target = grant.kind == Grant::Kind::kAll ? "" : grant.target;
  record.until_date = grant.until.ToIso();
  record.reason = grant.reason;
  record.granted_by = by.name;
  CAIRN_ASSIGN_OR_RETURN(int64_t id, store::InsertGrant(db_, record));
  std::vector<std::string> children;
  if (grant.kind == Grant::Kind::kChild) children.push_back(grant.target);
  CAIRN_RETURN_IF_ERROR(Audit(by, "grant", "ok",
                              "grant " + std::to_string(id) + " to " + user.username + ": " + record.scope +
                                  (record.target.empty() ? "" : " " + record.target) + " until " + record.until_date,
                              children));
  CAIRN_RETURN_IF_ERROR(transaction.Commit());
  return id;
}

Status Accounts::RevokeGrant(int64_t grant_id, const Actor& by) {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_RETURN_IF_ERROR(store::RevokeGrant(db_, grant_id, store::UtcTimestamp()));
  CAIRN_RETURN_IF_ERROR(Audit(by, "grant-revoke", "ok", "grant " + std::to_string(grant_id)));
  return transaction.Commit();
}

Status Accounts::Restrict(std::string_view la_child_id, const std::vector<std::string>& allowed,
                          std::string_view reason, const Actor& by) {
  CAIRN_RETURN_IF_ERROR(CheckIdentifier(la_child_id, "the child id"));
  if (reason.empty()) return Status::InvalidArgument("say why the record is restricted (--reason)");
  if (reason.size() > 500) return Status::InvalidArgument("the reason is longer than 500 characters");
  if (allowed.empty()) return Status::InvalidArgument("name at least one user who may see the record (--allow)");
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  for (const std::string& username : allowed) CAIRN_RETURN_IF_ERROR(RequireUser(username).status());
  store::RestrictionRecord record;
  record.la_child_id = la_child_id;
  record.reason = reason;
  record.restricted_by = by.name;
  record.allowed = allowed;
  CAIRN_RETURN_IF_ERROR(store::PutRestriction(db_, record));
  std::string names;
  for (const std::string& username : allowed) names += (names.empty() ? "" : ",") + username;
  CAIRN_RETURN_IF_ERROR(Audit(by, "restrict", "ok", "allowed: " + names, {std::string(la_child_id)}));
  return transaction.Commit();
}

Status Accounts::Unrestrict(std::string_view la_child_id, const Actor& by) {
  CAIRN_ASSIGN_OR_RETURN(store::Transaction transaction, store::Transaction::Begin(db_));
  CAIRN_RETURN_IF_ERROR(store::RemoveRestriction(db_, la_child_id));
  CAIRN_RETURN_IF_ERROR(Audit(by, "unrestrict", "ok", "", {std::string(la_child_id)}));
  return transaction.Commit();
}

Result<Restrictions> Accounts::LoadRestrictions() {
  std::optional<int64_t> generation;
  if (cache_ != nullptr) {
    CAIRN_ASSIGN_OR_RETURN(generation, store::AccessGeneration(db_));
    if (std::optional<Restrictions> cached = cache_->FindRestrictions(*generation, clock_.Today())) return *cached;
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<store::RestrictionRecord> records, store::ListRestrictions(db_));
  Restrictions restrictions;
  for (store::RestrictionRecord& record : records) {
    restrictions.Add(std::move(record.la_child_id), std::move(record.allowed));
  }
  if (cache_ != nullptr) cache_->PutRestrictions(*generation, clock_.Today(), restrictions);
  return restrictions;
}

void AccessCache::Adopt(int64_t generation, Date today) {
  if (Current(generation, today)) return;
  generation_ = generation;
  day_ = today;
  sessions_.clear();
  restrictions_.reset();
}

std::optional<AccessCache::CachedSession> AccessCache::FindSession(const std::string& token_hash, int64_t generation,
                                                                   Date today) {
  std::lock_guard lock(mutex_);
  Adopt(generation, today);
  auto found = sessions_.find(token_hash);
  if (found == sessions_.end()) return std::nullopt;
  return found->second;
}

void AccessCache::PutSession(const std::string& token_hash, int64_t generation, Date today, CachedSession session) {
  std::lock_guard lock(mutex_);
  if (!Current(generation, today)) return;
  if (sessions_.size() >= kMaxSessions) sessions_.clear();
  sessions_.insert_or_assign(token_hash, std::move(session));
}

void AccessCache::Touched(const std::string& token_hash, int64_t last_seen) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(token_hash);
  if (found != sessions_.end()) found->second.record.last_seen = last_seen;
}

std::optional<Restrictions> AccessCache::FindRestrictions(int64_t generation, Date today) {
  std::lock_guard lock(mutex_);
  Adopt(generation, today);
  return restrictions_;
}

void AccessCache::PutRestrictions(int64_t generation, Date today, Restrictions restrictions) {
  std::lock_guard lock(mutex_);
  if (Current(generation, today)) restrictions_ = std::move(restrictions);
}

}  // namespace cairn::access
