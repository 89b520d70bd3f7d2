// Accounts, sign-in, sessions, grants and restricted records: the operations the command line
// and the browser share, so both check the same rules and write the same audit rows.
//
// Every change (a user added, a role changed, a grant, a restriction) and every sign-in, failed
// sign-in, lockout and sign-out writes one audit row in the same transaction as the change.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "access/password.h"
#include "access/roles.h"
#include "access/scope.h"
#include "base/clock.h"
#include "base/status.h"
#include "store/access_store.h"
#include "store/audit.h"
#include "store/database.h"

namespace cairn::access {

// Who is acting, for audit rows: a user (or the operating-system account on the command line),
// their role, the route or command, and the client's address.
struct Actor {
  std::string name;
  std::string role;
  std::string route;
  std::string client = "local";

  // This actor's audit row for an action; a nameless actor (not signed in) is "anonymous".
  store::AuditEntry Entry(std::string_view action, std::string_view outcome, std::vector<std::string> children,
                          std::string_view detail) const;
};

struct SessionPolicy {
  int64_t idle_seconds = 30 * 60;
  int64_t absolute_seconds = 12 * 60 * 60;
  int max_failed_logins = 5;
  int64_t lockout_seconds = 15 * 60;
};

// A valid identifier for a username, worker, team or service: 1 to 64 characters of letters,
// digits and . _ - @ / (SW_IDs hold '/'). Says what is wrong, naming `what`.
Status CheckIdentifier(std::string_view value, std::string_view what);

class AccessCache;

class Accounts {
 public:
  // `db`, `roles` and `clock` must outlive the object.
  Accounts(store::Connection& db, const RoleCatalogue& roles, const Clock& clock,
           PasswordHasher hasher = PasswordHasher(), SessionPolicy policy = SessionPolicy());

  struct NewUser {
    std::string username;
    std::string role;
    std::string worker_id;
    std::string team_id;
    std::string service;
    std::optional<std::string> password;  // none: a one-time password is made and must be changed
  };
  struct Created {
    int64_t id = 0;
    std::string one_time_password;  // "" when a password was given
  };
  Result<Created> AddUser(const NewUser& user, const Actor& by);
  // Sets the role (and, when given, the worker, team and service); ends the user's sessions.
  Status SetRole(std::string_view username, std::string_view role, const std::optional<std::string>& worker_id,
                 const std::optional<std::string>& team_id, const std::optional<std::string>& service,
                 const Actor& by);
  Status SetDisabled(std::string_view username, bool disabled, const Actor& by);
  // A new password (checked against the policy) or, without one, a one-time password that is
  // returned; either way the user's sessions end and any lockout is lifted.
  Result<std::string> ResetPassword(std::string_view username, const std::optional<std::string>& password,
                                    const Actor& by);
  // The user's own change of password, from the old one.
  Status ChangePassword(int64_t user_id, std::string_view old_password, std::string_view new_password,
                        const Actor& by);

  struct SignIn {
    enum class Outcome { kSignedIn, kRefused };
    Outcome outcome = Outcome::kRefused;
    std::string token;       // the session token for the cookie (only when signed in)
    std::string csrf_token;
    bool must_change_password = false;
  };
  // Checks the password. Unknown users, wrong passwords, disabled and locked accounts all come
  // back kRefused (the page says the same for each); the audit row says which. The fifth failure
  // in a row locks the account for SessionPolicy::lockout_seconds.
  Result<SignIn> SignInWithPassword(std::string_view username, std::string_view password, const Actor& from);

  struct Session {
    Principal principal;
    std::string csrf_token;
    std::string token_hash;
    bool must_change_password = false;
  };
  // The session behind a token, or nullopt when there is none, it has timed out (idle or
  // absolute), or its user is disabled. Refreshes the idle timer (at most once a minute).
  Result<std::optional<Session>> Resume(std::string_view token);
  Status SignOut(std::string_view token, const Actor& by);

  // The principal for a user as stored (grants in force today included).
  Result<Principal> PrincipalOf(const store::UserRecord& user);

  struct NewGrant {
    std::string username;
    Grant::Kind kind = Grant::Kind::kChild;
    std::string target;
    Date until;
    std::string reason;
  };
  Result<int64_t> GrantAccess(const NewGrant& grant, const Actor& by);
  Status RevokeGrant(int64_t grant_id, const Actor& by);

  // Restricts a child's record to `allowed` (existing usernames); replaces an earlier restriction.
  Status Restrict(std::string_view la_child_id, const std::vector<std::string>& allowed, std::string_view reason,
                  const Actor& by);
  Status Unrestrict(std::string_view la_child_id, const Actor& by);
  Result<Restrictions> LoadRestrictions();

  const RoleCatalogue& roles() const { return roles_; }

  // Resume and LoadRestrictions answer from `cache` (which must outlive this object) while the
  // database's access generation and the day are those it was filled under, and fill it when
  // they are not: a one-row read each instead of the session, user, grants and restrictions.
  // Each call reads the generation afresh, so a change this object has just made is seen.
  void UseCache(AccessCache* cache) { cache_ = cache; }

 private:
  Status Audit(const Actor& by, std::string_view action, std::string_view outcome, std::string_view detail,
               std::vector<std::string> children = {});
  Result<store::UserRecord> RequireUser(std::string_view username);

  store::Connection& db_;
  const RoleCatalogue& roles_;
  const Clock& clock_;
  PasswordHasher hasher_;
  SessionPolicy policy_;
  AccessCache* cache_ = nullptr;
};

// Sessions and restrictions as last read, shared by a server's requests (thread-safe). Each
// entry is kept under the access generation (store::AccessGeneration) it was read after, and
// used only while the database still has that generation: a user disabled, a session ended, a
// grant or restriction changed, by the server or the command line, is seen by the next request.
class AccessCache {
 public:
  struct CachedSession {
    store::SessionRecord record;
    Accounts::Session session;
  };
  // The session for `token_hash` if it was cached under `generation` on `today`. A different
  // generation or day empties the cache first.
  std::optional<CachedSession> FindSession(const std::string& token_hash, int64_t generation, Date today);
  // Kept only if the cache is (still) at `generation` and `today`: a slow request must not put
  // back what a newer one has found out of date.
  void PutSession(const std::string& token_hash, int64_t generation, Date today, CachedSession session);
  // The idle timer was refreshed in the database (which leaves the generation alone).
  void Touched(const std::string& token_hash, int64_t last_seen);
  std::optional<Restrictions> FindRestrictions(int64_t generation, Date today);
  void PutRestrictions(int64_t generation, Date today, Restrictions restrictions);

  // Sessions kept at most; beyond it the cache starts again (a council has far fewer at once).
  static constexpr size_t kMaxSessions = 10000;

 private:
  bool Current(int64_t generation, Date today) const { return generation == generation_ && today == day_; }
  void Adopt(int64_t generation, Date today);

  std::mutex mutex_;
  int64_t generation_ = -1;
  Date day_;
  std::unordered_map<std::string, CachedSession> sessions_;
  std::optional<Restrictions> restrictions_;
};

}  // namespace cairn::access
