// Cairn in a browser: every request goes through WebApp::Handle, the one place where the
// session is checked, the route's access rule is applied (permission, then scope over the child in
// the path), the page is made, the audit row is written, and the security headers are set.
//
// The council is loaded and evaluated once, at start, as at the server's date (today, or the
// date given with --as-at), and kept in memory. Each request first reads the database's record
// generation (store/record_changes.h) and, when it has moved, loads the children changed since,
// or the whole council, so a change made elsewhere (the command line, another server) shows on
// the next request. Pages read that evaluation under a shared lock, so many requests run at once;
// users, sessions, grants, restrictions and the audit trail are read from the database on every
// request.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "access/accounts.h"
#include "access/password.h"
#include "base/clock.h"
#include "base/date.h"
#include "base/status.h"
#include "http/message.h"

namespace cairn::web {

struct WebOptions {
  bool secure_cookies = false;  // add Secure to cookies (behind TLS)
  access::SessionPolicy sessions;
  access::PasswordCost password_cost = access::PasswordCost::Interactive();
  std::optional<Date> as_at;    // show the council as it stood on this date, not today
  int threads = 2;              // for evaluating the council at start
};

// What a route demands, stated in the route table (routes.cpp). There is no default: a route
// cannot be registered without saying who may use it.
class Access {
 public:
  // Anyone, signed in or not (the sign-in page, static files).
  static Access Public() { return Access(Kind::kPublic, ""); }
  // Any signed-in user (their home page, signing out, their own password).
  static Access SignedIn() { return Access(Kind::kSignedIn, ""); }
  // Signed in, with the role's permission (403 without it).
  static Access Permission(std::string_view permission) { return Access(Kind::kPermission, permission); }
  // Signed in, with the permission, and with the child named by {id} in scope (404 outside it:
  // whether the child exists is not disclosed).
  static Access ChildRecord(std::string_view permission) { return Access(Kind::kChildRecord, permission); }
  // Signed in, with the permission, and with the team named by {id} within the role's reach
  // (access::CanSeeTeam; 404 outside it).
  static Access TeamRecord(std::string_view permission) { return Access(Kind::kTeamRecord, permission); }
  // Signed in, with the permission, and the worker named by {id} the user themself or in a team
  // within reach (access::CanSeeWorker; 404 outside it).
  static Access WorkerRecord(std::string_view permission) { return Access(Kind::kWorkerRecord, permission); }

  enum class Kind { kPublic, kSignedIn, kPermission, kChildRecord, kTeamRecord, kWorkerRecord };
  Kind kind() const { return kind_; }
  std::string_view permission() const { return permission_; }

 private:
  Access(Kind kind, std::string_view permission) : kind_(kind), permission_(permission) {}
  Kind kind_;
  std::string_view permission_;
};

struct RouteInfo {
  http::Method method;
  std::string pattern;
  Access access;
};

class WebApp {
 public:
  // Opens the database (it must exist and be migrated), loads and evaluates the council.
  static Result<std::unique_ptr<WebApp>> Open(const std::string& db_target, const Clock& clock, WebOptions options);
  ~WebApp();

  // Thread-safe.
  http::Response Handle(const http::Request& request);

  // Every route, as registered (for the role-matrix test and `cairn serve --routes`).
  std::vector<RouteInfo> Routes() const;
  Date as_at() const;
  size_t child_count() const;

  struct State;

 private:
  explicit WebApp(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace cairn::web
