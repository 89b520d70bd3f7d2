#include "web/app.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "access/accounts.h"
#include "base/xlsx_test_support.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/test_database.h"
#include "store/workforce_store.h"

namespace cairn::web {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

model::Chronology Child(std::string id, std::string worker, std::string given = "") {
  model::Child child;
  child.la_child_id = std::move(id);
  child.birth_date = D(2015, 5, 1);
  child.given_name = std::move(given);
  model::Chronology chronology(child);
  model::Event allocation;
  allocation.kind = model::EventKind::kSocialWorkerAllocation;
  allocation.start = D(2024, 1, 1);
  allocation.Set("SW_ID", std::move(worker));
  chronology.Add(std::move(allocation));
  model::Event referral;
  referral.kind = model::EventKind::kCinEpisode;
  referral.start = D(2024, 1, 1);
  referral.Set("ReferralSource", "1A");
  chronology.Add(std::move(referral));
  return chronology;
}

std::string Password(const std::string& username) { return "Orchard-kestrel-river-" + std::to_string(username.size()); }

// The users of the matrix: one per role, and for each the child in scope (or "" for none).
struct TestUser {
  std::string username;
  std::string role;
  std::string worker;
  std::string team;
  std::string service;
  std::string in_scope;      // a child this user may see
  std::string out_of_scope;  // a child that exists and this user may not see
  std::string team_in = "";     // a team whose page this user may see (when the role may see teams)
  std::string team_out = "";    // a team that exists and whose page this user may not see
  std::string worker_in = "";   // likewise a worker's caseload
  std::string worker_out = "";
};

const std::vector<TestUser> kUsers = {
    {"prac", "practitioner", "SW1", "", "", "C1", "C2", "", "", "SW1", "SW2"},
    {"tm", "team-manager", "", "T1", "", "C1", "C2", "T1", "T2", "SW1", "SW2"},
    {"sm", "service-manager", "", "", "assessment", "C1", "C2", "T1", "T2", "SW1", "SW2"},
    {"dir", "director", "", "", "", "C1", "C3", "T1", "", "SW1", ""},  // C3 is restricted to tm
    {"ana", "analyst", "", "", "", "C2", "C3", "T2", "", "SW2", ""},
    {"mem", "elected-member", "", "", "", "", "C1"},
    {"insp", "inspector", "", "", "", "C1", "C2"},  // granted C1 only
    {"qa", "auditor", "", "", "", "C1", "C3"},  // C3 is restricted to tm
    {"admin", "admin", "", "", "", "", "C1"},
};

class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::unique_ptr<store::Connection> db = database_.Open();
    ASSERT_NE(db, nullptr);
    {
      auto transaction = store::Transaction::Begin(*db);
      ASSERT_TRUE(transaction.ok());
      std::vector<model::Team> teams = {{"T1", "Assessment North", "assessment"},
                                        {"T2", "Children in care", "children-in-care"}};
      std::vector<model::Worker> workers = {{"SW1", "Sam", "social-worker", "T1", false, {}, {}},
                                            {"SW2", "Kim", "social-worker", "T2", true, {}, {}}};
      ASSERT_TRUE(store::SaveWorkforce(*db, teams, workers).ok());
      std::vector<model::Chronology> children = {Child("C1", "SW1", "<script>alert(1)</script>"), Child("C2", "SW2"),
                                                 Child("C3", "SW1")};
      ASSERT_TRUE(store::SaveChronologies(*db, children, {"test", "setup"}).ok());
      ASSERT_TRUE(transaction->Commit().ok());
    }
    auto roles = access::RoleCatalogue::BuiltIn();
    ASSERT_TRUE(roles.ok());
    roles_ = std::move(*roles);
    access::Accounts accounts(*db, roles_, clock_, access::PasswordHasher(access::PasswordCost::ForTests()));
    const access::Actor setup{"os:test", "cli", "test", "local"};
    for (const TestUser& user : kUsers) {
      auto added = accounts.AddUser({user.username, user.role, user.worker, user.team, user.service,
                                     Password(user.username)},
                                    setup);
      ASSERT_TRUE(added.ok()) << added.status().message();
    }
    ASSERT_TRUE(accounts.AddUser({"victim", "practitioner", "SW9", "", "", "Orchard-kestrel-river-x"}, setup).ok());
    ASSERT_TRUE(accounts.GrantAccess({"insp", access::Grant::Kind::kChild, "C1", D(2025, 12, 31), "inspection"}, setup).ok());
    ASSERT_TRUE(accounts.Restrict("C3", {"tm"}, "staff member's child", setup).ok());
    db.reset();

    WebOptions options;
    options.password_cost = access::PasswordCost::ForTests();
    options.as_at = D(2025, 3, 31);
    options.threads = 1;
    auto app = WebApp::Open(database_.target(), clock_, options);
    ASSERT_TRUE(app.ok()) << app.status().message();
    app_ = std::move(*app);
  }
  void TearDown() override { app_.reset(); }

  static std::string CookieValue(const http::Response& response, std::string_view name) {
    for (const auto& [header, value] : response.headers) {
      if (header != "Set-Cookie" || value.rfind(std::string(name) + "=", 0) != 0) continue;
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
    }
    return "";
  }

  http::Response Send(http::Method method, std::string target, std::string cookie = "", std::string body = "",
                      std::string csrf = "") {
    http::Request request;
    request.method = method;
    request.target = std::move(target);
    request.client = "127.0.0.1";
    if (!cookie.empty()) request.headers.emplace_back("cookie", cookie);
    if (!csrf.empty()) request.headers.emplace_back("x-csrf-token", csrf);
    if (method == http::Method::kPost) {
      request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    }
    request.body = std::move(body);
    return app_->Handle(request);
  }

  struct Session {
    std::string cookie;
    std::string csrf;
  };

  Session SignIn(const std::string& username, const std::string& password) {
    http::Response form = Send(http::Method::kGet, "/login");
    const std::string login_token = CookieValue(form, "cairn_login");
    http::Response signed_in = Send(http::Method::kPost, "/login", "cairn_login=" + login_token,
                                    "csrf=" + login_token + "&username=" + username + "&password=" + password);
    Session session;
    const std::string token = CookieValue(signed_in, "cairn_session");
    if (token.empty()) return session;
    session.cookie = "cairn_session=" + token;
    http::Response home = Send(http::Method::kGet, "/", session.cookie);
    const size_t at = home.body.find("name=\"csrf-token\" content=\"");
    if (at != std::string::npos) session.csrf = home.body.substr(at + 27, 64);
    return session;
  }

  Session SignInAs(const TestUser& user) { return SignIn(user.username, Password(user.username)); }

  store::TestDatabase database_{"cairn_web_", store::BackendOfThisRun()};

  // The id of the child's first event, as text ("0" when the child has none).
  std::string FirstEventOf(const std::string& child) {
    std::unique_ptr<store::Connection> db = database_.Open();
    auto chronology = store::LoadChronology(*db, child);
    return chronology.ok() && *chronology && !(*chronology)->events().empty()
               ? std::to_string((*chronology)->events().front().id)
               : "0";
  }
  FixedClock clock_{D(2025, 3, 31), 1'743'400'000};
  access::RoleCatalogue roles_;
  std::unique_ptr<WebApp> app_;
};

// Every route the router registers, with the rule this test expects it to carry. A route added
// to routes.cpp but not here fails the test, and so does one whose rule differs.
const std::map<std::string, std::pair<Access::Kind, std::string>> kExpectedRules = {
    {"GET /login", {Access::Kind::kPublic, ""}},
    {"POST /login", {Access::Kind::kPublic, ""}},
    {"GET /static/{file}", {Access::Kind::kPublic, ""}},
    {"GET /healthz", {Access::Kind::kPublic, ""}},
    {"GET /favicon.ico", {Access::Kind::kPublic, ""}},
    {"POST /logout", {Access::Kind::kSignedIn, ""}},
    {"GET /password", {Access::Kind::kSignedIn, ""}},
    {"POST /password", {Access::Kind::kSignedIn, ""}},
    {"GET /", {Access::Kind::kSignedIn, ""}},
    {"GET /api/v1/home", {Access::Kind::kSignedIn, ""}},
    {"GET /children/{id}", {Access::Kind::kChildRecord, "child.read"}},
    {"GET /api/v1/children/{id}", {Access::Kind::kChildRecord, "child.read"}},
    {"GET /children/{id}/audit", {Access::Kind::kChildRecord, "audit.read.scope"}},
    {"GET /api/v1/children/{id}/audit", {Access::Kind::kChildRecord, "audit.read.scope"}},
    {"GET /search", {Access::Kind::kPermission, "child.search"}},
    {"GET /api/v1/search", {Access::Kind::kPermission, "child.search"}},
    {"GET /workers/{id}", {Access::Kind::kWorkerRecord, "caseload.read"}},
    {"GET /api/v1/workers/{id}", {Access::Kind::kWorkerRecord, "caseload.read"}},
    {"GET /teams/{id}", {Access::Kind::kTeamRecord, "team.read"}},
    {"GET /api/v1/teams/{id}", {Access::Kind::kTeamRecord, "team.read"}},
    {"GET /service", {Access::Kind::kPermission, "service.read"}},
    {"GET /api/v1/service", {Access::Kind::kPermission, "service.read"}},
    {"GET /members", {Access::Kind::kPermission, "aggregates.read"}},
    {"GET /members/pack", {Access::Kind::kPermission, "aggregates.read"}},
    {"GET /audits", {Access::Kind::kPermission, "qa.read"}},
    {"GET /api/v1/audits", {Access::Kind::kPermission, "qa.read"}},
    {"GET /annex-a", {Access::Kind::kPermission, "annex-a.download"}},
    {"GET /api/v1/members", {Access::Kind::kPermission, "aggregates.read"}},
    {"GET /workforce", {Access::Kind::kPermission, "team.read"}},
    {"GET /api/v1/workforce", {Access::Kind::kPermission, "team.read"}},
    {"GET /audit", {Access::Kind::kPermission, "audit.read.all"}},
    {"GET /api/v1/audit", {Access::Kind::kPermission, "audit.read.all"}},
    {"GET /admin/users", {Access::Kind::kPermission, "users.manage"}},
    {"GET /api/v1/admin/users", {Access::Kind::kPermission, "users.manage"}},
    {"POST /admin/users", {Access::Kind::kPermission, "users.manage"}},
    {"POST /admin/users/{username}/{action}", {Access::Kind::kPermission, "users.manage"}},
    {"POST /admin/role", {Access::Kind::kPermission, "users.manage"}},
    {"GET /admin/grants", {Access::Kind::kPermission, "grants.manage"}},
    {"GET /api/v1/admin/grants", {Access::Kind::kPermission, "grants.manage"}},
    {"POST /admin/grants", {Access::Kind::kPermission, "grants.manage"}},
    {"POST /admin/grants/{grant}/revoke", {Access::Kind::kPermission, "grants.manage"}},
    {"GET /admin/restricted", {Access::Kind::kPermission, "restrictions.manage"}},
    {"GET /api/v1/admin/restricted", {Access::Kind::kPermission, "restrictions.manage"}},
    {"POST /admin/restricted", {Access::Kind::kPermission, "restrictions.manage"}},
    {"GET /plan", {Access::Kind::kPermission, "plan.read"}},
    {"GET /api/v1/plan", {Access::Kind::kPermission, "plan.read"}},
    {"GET /validation", {Access::Kind::kPermission, "returns.validate"}},
    {"GET /api/v1/validation", {Access::Kind::kPermission, "returns.validate"}},
    {"GET /validation/rule/{code}", {Access::Kind::kPermission, "returns.validate"}},
    {"GET /api/v1/validation/rule/{code}", {Access::Kind::kPermission, "returns.validate"}},
    {"GET /region", {Access::Kind::kPermission, "region.read"}},
    {"GET /api/v1/region", {Access::Kind::kPermission, "region.read"}},
    {"GET /region/children.csv", {Access::Kind::kPermission, "region.read"}},
    {"GET /children/{id}/record", {Access::Kind::kChildRecord, "child.read"}},
    {"GET /children/{id}/events/{event}/edit", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /children/{id}/events", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /api/v1/children/{id}/events", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /children/{id}/events/{event}", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /api/v1/children/{id}/events/{event}", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /children/{id}/events/{event}/withdraw", {Access::Kind::kChildRecord, "child.read"}},
    {"POST /api/v1/children/{id}/events/{event}/withdraw", {Access::Kind::kChildRecord, "child.read"}},
};

std::string Key(const RouteInfo& route) { return std::string(http::MethodName(route.method)) + " " + route.pattern; }

// `event`: one of the child's own events (an event of another child is not found).
std::string Fill(std::string pattern, const std::string& child, const std::string& event = "1") {
  auto replace = [&](std::string_view name, std::string_view value) {
    const size_t at = pattern.find(name);
    if (at != std::string::npos) pattern.replace(at, name.size(), value);
  };
  replace("{id}", child);
  replace("{file}", "cairn.css");
  replace("{username}", "victim");
  replace("{action}", "enable");
  replace("{grant}", "999999");
  replace("{event}", event);
  replace("{code}", "8866");
  return pattern;
}

TEST_F(WebAppTest, EveryRouteCarriesTheRuleThisTestExpects) {
  std::set<std::string> seen;
  for (const RouteInfo& route : app_->Routes()) {
    const std::string key = Key(route);
    auto expected = kExpectedRules.find(key);
    ASSERT_NE(expected, kExpectedRules.end()) << "route " << key << " is not in the role matrix";
    EXPECT_EQ(route.access.kind(), expected->second.first) << key;
    EXPECT_EQ(route.access.permission(), expected->second.second) << key;
    seen.insert(key);
  }
  EXPECT_EQ(seen.size(), kExpectedRules.size()) << "a route of the matrix is no longer registered";
}

TEST_F(WebAppTest, RoleMatrix) {
  int checked = 0;
  for (const TestUser& user : kUsers) {
    const Session session = SignInAs(user);
    ASSERT_FALSE(session.cookie.empty()) << user.username << " could not sign in";
    ASSERT_EQ(session.csrf.size(), 64u) << user.username;
    const access::Role* role = roles_.Find(user.role);
    ASSERT_NE(role, nullptr);
    for (const RouteInfo& route : app_->Routes()) {
      if (route.access.kind() == Access::Kind::kPublic) continue;
      if (Key(route) == "POST /logout") continue;  // checked on its own below
      std::vector<std::pair<std::string, int>> cases;  // target, expected status (0: allowed)
      const bool permitted = route.access.kind() == Access::Kind::kSignedIn || role->Has(route.access.permission());
      if (route.access.kind() == Access::Kind::kTeamRecord || route.access.kind() == Access::Kind::kWorkerRecord) {
        const bool team = route.access.kind() == Access::Kind::kTeamRecord;
        const std::string& in = team ? user.team_in : user.worker_in;
        const std::string& out = team ? user.team_out : user.worker_out;
        if (!permitted) {
          cases.emplace_back(Fill(route.pattern, team ? "T1" : "SW1"), 403);
        } else {
          if (!in.empty()) cases.emplace_back(Fill(route.pattern, in), 0);
          if (!out.empty()) cases.emplace_back(Fill(route.pattern, out), 404);
          cases.emplace_back(Fill(route.pattern, "NOPE"), 404);
        }
      } else if (route.access.kind() == Access::Kind::kChildRecord) {
        if (!permitted) {
          cases.emplace_back(Fill(route.pattern, "C1"), 403);
          cases.emplace_back(Fill(route.pattern, "NOPE"), 403);
        } else {
          // Recording routes let in whoever may read the child; the form's own permission decides
          // (child.record for casework, qa.audit for a case audit): a role that records no
          // casework is refused the first event's correction, and the list of forms unless it
          // may record some other form.
          const bool recording = route.pattern.find("/record") != std::string::npos ||
                                 route.pattern.find("/events") != std::string::npos;
          const bool records_something = role->Has("child.record") || role->Has("oversight.record") ||
                                         role->Has("qa.audit") || role->Has("qa.moderate");
          int in_scope_expected = 0;
          if (recording && !role->Has("child.record")) {
            if (route.pattern.ends_with("/record")) {
              in_scope_expected = records_something ? 0 : 403;
            } else if (route.pattern.find("{event}") != std::string::npos) {
              // An empty correction may be refused as unreadable (400) before the permission (403).
              in_scope_expected = route.method == http::Method::kGet ? 403 : -1;
            }
          }
          if (!user.in_scope.empty()) {
            cases.emplace_back(Fill(route.pattern, user.in_scope, FirstEventOf(user.in_scope)), in_scope_expected);
          }
          cases.emplace_back(Fill(route.pattern, user.out_of_scope), 404);
          cases.emplace_back(Fill(route.pattern, "NOPE"), 404);
        }
      } else {
        cases.emplace_back(Fill(route.pattern, ""), permitted ? 0 : 403);
      }
      for (const auto& [target, expected] : cases) {
        http::Response response = Send(route.method, target, session.cookie, "", session.csrf);
        ++checked;
        if (expected == -1) {
          EXPECT_TRUE(response.status == 400 || response.status == 403)
              << user.role << " " << Key(route) << " " << target << " gave " << response.status;
        } else if (expected != 0) {
          EXPECT_EQ(response.status, expected) << user.role << " " << Key(route) << " " << target;
        } else if (route.method == http::Method::kGet) {
          EXPECT_EQ(response.status, 200) << user.role << " " << Key(route) << " " << target;
        } else {
          // An empty form is refused by the page itself, never by the access rules.
          EXPECT_TRUE(response.status != 401 && response.status != 403 && response.status != 404)
              << user.role << " " << Key(route) << " " << target << " gave " << response.status;
        }
      }
    }
  }
  EXPECT_GT(checked, 150);
}

TEST_F(WebAppTest, EveryJsonAnswerParses) {
  for (const TestUser& user : kUsers) {
    const Session session = SignInAs(user);
    for (const RouteInfo& route : app_->Routes()) {
      if (route.method != http::Method::kGet || route.pattern.rfind("/api/", 0) != 0) continue;
      for (const std::string& child : {user.in_scope, user.out_of_scope}) {
        if (child.empty()) continue;
        http::Response response = Send(route.method, Fill(route.pattern, child) + "?q=C", session.cookie);
        EXPECT_EQ(response.content_type, "application/json") << Key(route);
        EXPECT_TRUE(nlohmann::json::accept(response.body))
            << user.role << " " << Key(route) << ": " << response.body.substr(0, 200);
      }
    }
  }
}

TEST_F(WebAppTest, WithoutASessionPagesSendToSignInAndTheApiSays401) {
  for (const RouteInfo& route : app_->Routes()) {
    if (route.access.kind() == Access::Kind::kPublic) continue;
    http::Response response = Send(route.method, Fill(route.pattern, "C1"));
    if (route.pattern.rfind("/api/", 0) == 0) {
      EXPECT_EQ(response.status, 401) << Key(route);
      EXPECT_EQ(response.content_type, "application/json");
    } else {
      EXPECT_EQ(response.status, 303) << Key(route);
    }
  }
}

TEST_F(WebAppTest, ChangesNeedTheSessionsCsrfToken) {
  const Session session = SignInAs(kUsers.back());  // admin
  http::Response without = Send(http::Method::kPost, "/admin/users/victim/disable", session.cookie);
  EXPECT_EQ(without.status, 403);
  http::Response wrong = Send(http::Method::kPost, "/admin/users/victim/disable", session.cookie, "",
                              std::string(64, 'a'));
  EXPECT_EQ(wrong.status, 403);
  http::Response right = Send(http::Method::kPost, "/admin/users/victim/disable", session.cookie,
                              "csrf=" + session.csrf);
  EXPECT_EQ(right.status, 200);
}

TEST_F(WebAppTest, NamesAreEscapedAndChildPagesAreNotCached) {
  const Session session = SignInAs(kUsers[0]);
  http::Response page = Send(http::Method::kGet, "/children/C1", session.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(page.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  std::map<std::string, std::string> headers(page.headers.begin(), page.headers.end());
  EXPECT_EQ(headers["Cache-Control"], "no-store");
  EXPECT_NE(headers["Content-Security-Policy"].find("script-src 'self'"), std::string::npos);
  EXPECT_NE(headers["Content-Security-Policy"].find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(headers["X-Content-Type-Options"], "nosniff");
  http::Response json = Send(http::Method::kGet, "/api/v1/children/C1", session.cookie);
  ASSERT_EQ(json.status, 200);
  EXPECT_NE(json.body.find("\"given_name\":\"<script>alert(1)</script>\""), std::string::npos) << json.body;
}

TEST_F(WebAppTest, EveryLookIsAuditedAndRefusalsToo) {
  const Session prac = SignInAs(kUsers[0]);
  ASSERT_EQ(Send(http::Method::kGet, "/children/C1", prac.cookie).status, 200);
  ASSERT_EQ(Send(http::Method::kGet, "/api/v1/children/C1", prac.cookie).status, 200);
  ASSERT_EQ(Send(http::Method::kGet, "/children/C2", prac.cookie).status, 404);
  ASSERT_EQ(Send(http::Method::kGet, "/", prac.cookie).status, 200);
  auto db = store::Connection::OpenExisting(database_.target());
  ASSERT_TRUE(db.ok());
  store::AuditQuery c1;
  c1.child = "C1";
  c1.actor = "prac";
  auto rows = store::QueryAudit(**db, c1);
  ASSERT_TRUE(rows.ok());
  int reads = 0, lists = 0;
  for (const auto& row : *rows) {
    if (row.entry.action == "read") ++reads;
    if (row.entry.action == "read-list") ++lists;
    EXPECT_EQ(row.entry.client, "127.0.0.1");
    EXPECT_EQ(row.entry.role, "practitioner");
  }
  EXPECT_EQ(reads, 2);
  EXPECT_GE(lists, 1);  // the home page listed C1 (SignIn loads it once too)
  store::AuditQuery c2;
  c2.child = "C2";
  c2.outcome = "not-found";
  rows = store::QueryAudit(**db, c2);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].entry.actor, "prac");
  auto verdict = store::VerifyAudit(**db);
  ASSERT_TRUE(verdict.ok());
  EXPECT_TRUE(verdict->intact) << verdict->problem;
  // No row holds a child's name.
  store::AuditQuery all;
  rows = store::QueryAudit(**db, all);
  ASSERT_TRUE(rows.ok());
  for (const auto& row : *rows) EXPECT_EQ(row.entry.detail.find("script"), std::string::npos);
}

TEST_F(WebAppTest, SessionsEndOnLogoutIdleAndAbsoluteTimeouts) {
  Session session = SignInAs(kUsers[0]);
  ASSERT_EQ(Send(http::Method::kGet, "/", session.cookie).status, 200);
  http::Response out = Send(http::Method::kPost, "/logout", session.cookie, "csrf=" + session.csrf);
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(Send(http::Method::kGet, "/", session.cookie).status, 303);

  session = SignInAs(kUsers[0]);
  clock_.Advance(29 * 60);
  EXPECT_EQ(Send(http::Method::kGet, "/", session.cookie).status, 200);
  clock_.Advance(31 * 60);
  EXPECT_EQ(Send(http::Method::kGet, "/", session.cookie).status, 303) << "idle for 31 minutes";

  session = SignInAs(kUsers[0]);
  for (int i = 0; i < 26; ++i) {
    clock_.Advance(29 * 60);
    ASSERT_EQ(Send(http::Method::kGet, "/api/v1/home", session.cookie).status, i < 24 ? 200 : 401) << i;
  }
}

TEST_F(WebAppTest, FiveFailuresLockTheAccountWithTheSameMessage) {
  http::Response form = Send(http::Method::kGet, "/login");
  const std::string token = CookieValue(form, "cairn_login");
  auto attempt = [&](const std::string& username, const std::string& password) {
    return Send(http::Method::kPost, "/login", "cairn_login=" + token,
                "csrf=" + token + "&username=" + username + "&password=" + password);
  };
  const http::Response unknown = attempt("nobody", "whatever-password");
  const http::Response wrong = attempt("prac", "wrong-password-1");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  auto message = [](const std::string& body) { return body.substr(body.find("login-error")); };
  EXPECT_EQ(message(unknown.body).substr(0, 200), message(wrong.body).substr(0, 200));
  for (int i = 0; i < 4; ++i) attempt("prac", "wrong-password-1");
  EXPECT_TRUE(SignInAs(kUsers[0]).cookie.empty()) << "locked after five failures";
  clock_.Advance(16 * 60);
  EXPECT_FALSE(SignInAs(kUsers[0]).cookie.empty()) << "unlocked after 15 minutes";
  // The login form's token must match its cookie.
  EXPECT_EQ(Send(http::Method::kPost, "/login", "", "csrf=" + token + "&username=prac&password=" + Password("prac"))
                .status,
            403);
}

TEST_F(WebAppTest, HostileRequestsGetClearAnswers) {
  const Session session = SignInAs(kUsers[3]);  // director
  EXPECT_EQ(Send(http::Method::kGet, "/static/../../etc/passwd").status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/static/%2e%2e%2fcairn.db").status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/children/%00", session.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/children/'%20OR%201=1--", session.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/children/<script>", session.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/search?q=%ff", session.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/no/such/page", session.cookie).status, 404);
  EXPECT_EQ(Send(http::Method::kOther, "/", session.cookie).status, 405);
  http::Response search = Send(http::Method::kGet, "/search?q=%3Cscript%3E", session.cookie);
  EXPECT_EQ(search.status, 200);
  EXPECT_EQ(search.body.find("<script>"), std::string::npos);
}

TEST_F(WebAppTest, TheTeamPageCountsEachWorkersChildren) {
  const Session session = SignInAs(kUsers[1]);  // team manager of T1: SW1 holds C1 and C3
  http::Response home = Send(http::Method::kGet, "/api/v1/home", session.cookie);
  ASSERT_EQ(home.status, 200);
  const nlohmann::json json = nlohmann::json::parse(home.body);
  ASSERT_EQ(json["groups"].size(), 1u) << home.body;
  EXPECT_EQ(json["groups"][0]["name"], "Sam (SW1)");
  EXPECT_EQ(json["groups"][0]["children"], 2);
}

TEST_F(WebAppTest, WhoLookedAtAChildNamesNoOtherChild) {
  const Session director = SignInAs(kUsers[3]);
  // A search that shows C1 and C2 writes one row naming both, with a count in its detail.
  ASSERT_EQ(Send(http::Method::kGet, "/search?q=C", director.cookie).status, 200);
  const Session manager = SignInAs(kUsers[1]);  // may see C1, not C2
  http::Response rows = Send(http::Method::kGet, "/api/v1/children/C1/audit", manager.cookie);
  ASSERT_EQ(rows.status, 200);
  EXPECT_NE(rows.body.find("\"actor\":\"dir\""), std::string::npos) << rows.body;
  EXPECT_EQ(rows.body.find("C2"), std::string::npos) << rows.body;
  EXPECT_EQ(rows.body.find("found"), std::string::npos) << "no detail: " << rows.body;
}

TEST_F(WebAppTest, MembersSeeSuppressedCountsOnly) {
  const Session session = SignInAs(kUsers[5]);
  http::Response home = Send(http::Method::kGet, "/api/v1/home", session.cookie);
  ASSERT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("\"children\":["), std::string::npos);
  EXPECT_NE(home.body.find("fewer than 5"), std::string::npos) << home.body;
  EXPECT_EQ(home.body.find("C1"), std::string::npos);
}

TEST_F(WebAppTest, TheMembersPackShowsSuppressedCountsOnlyAndIsAudited) {
  const Session member = SignInAs(kUsers[5]);
  http::Response pack = Send(http::Method::kGet, "/members/pack?audience=corporate-parenting", member.cookie);
  ASSERT_EQ(pack.status, 200);
  EXPECT_NE(pack.body.find("data-testid=\"pack-title\">Corporate parenting pack<"), std::string::npos);
  // A council of three children: every count of them is 1 to 4, shown as the mark.
  EXPECT_NE(pack.body.find("pack-withheld\">[c]<"), std::string::npos);
  for (std::string_view id : {">C1<", ">C2<", ">C3<", "/children/C"}) EXPECT_EQ(pack.body.find(id), std::string::npos) << id;
  EXPECT_EQ(pack.body.find("<style"), std::string::npos) << "the page's stylesheet is Cairn's own, from /static";
  EXPECT_EQ(Send(http::Method::kGet, "/members/pack?audience=cabinet", member.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/members/pack?from=2024-03-31&to=2023-04-01", member.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/members/pack?to=2099-03-31", member.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/members/pack?from=31/03/2024", member.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/members/pack", SignInAs(kUsers[0]).cookie).status, 403);

  auto db = store::Connection::OpenExisting(database_.target());
  ASSERT_TRUE(db.ok());
  store::AuditQuery query;
  query.actor = "mem";
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  int packs = 0;
  for (const auto& row : *rows) {
    if (row.entry.action != "read-aggregates" || row.entry.detail.find("pack corporate-parenting") != 0) continue;
    ++packs;
    EXPECT_TRUE(row.entry.children.empty()) << "a pack names no child";
  }
  EXPECT_EQ(packs, 1);
}

}  // namespace
}  // namespace cairn::web

namespace cairn::web {
namespace {

// A change made elsewhere (the command line, another server on the same database) shows on the
// next request: the server reads the record generation and loads what changed.
TEST_F(WebAppTest, AChangeMadeElsewhereShowsOnTheNextRequest) {
  const Session director = SignInAs(kUsers[3]);
  const std::string before = Send(http::Method::kGet, "/api/v1/children/C2", director.cookie).body;
  EXPECT_EQ(Send(http::Method::kGet, "/api/v1/children/C4", director.cookie).status, 404);
  {
    auto db = store::Connection::OpenExisting(database_.target());
    ASSERT_TRUE(db.ok());
    auto transaction = store::Transaction::Begin(**db);
    ASSERT_TRUE(transaction.ok());
    model::Chronology changed = Child("C2", "SW2");
    model::Event plan;
    plan.kind = model::EventKind::kCinPlan;
    plan.start = D(2024, 2, 1);
    plan.parent = 1;
    changed.Add(std::move(plan));
    std::vector<model::Chronology> children = {changed, Child("C4", "SW1")};
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "change"}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  // The changed child shows its plan, and the new child is there.
  const std::string after = Send(http::Method::kGet, "/api/v1/children/C2", director.cookie).body;
  EXPECT_NE(after.find("\"kind\":\"cin-plan\""), std::string::npos) << after;
  EXPECT_EQ(before.find("\"kind\":\"cin-plan\""), std::string::npos);
  EXPECT_EQ(Send(http::Method::kGet, "/api/v1/children/C4", director.cookie).status, 200);
  EXPECT_EQ(app_->child_count(), 4u);

  // One child's event recorded elsewhere: that child is loaded again.
  {
    auto db = store::Connection::OpenExisting(database_.target());
    ASSERT_TRUE(db.ok());
    model::Event visit;
    visit.kind = model::EventKind::kVisit;
    visit.start = D(2024, 3, 1);
    ASSERT_TRUE(store::AddEvent(**db, "C4", visit, 0, "visit|2024-03-01", {"test", "visit"}).ok());
  }
  const std::string visited = Send(http::Method::kGet, "/api/v1/children/C4", director.cookie).body;
  EXPECT_NE(visited.find("\"kind\":\"visit\""), std::string::npos) << visited;
}

}  // namespace
}  // namespace cairn::web

namespace cairn::web {
namespace {

nlohmann::json Json(const http::Response& response) { return nlohmann::json::parse(response.body, nullptr, false); }

std::string StatusOf(const nlohmann::json& child, std::string_view rule) {
  for (const auto& deadline : child["deadlines"]) {
    if (deadline["rule"] == rule) return deadline["status"];
  }
  return "";
}

TEST_F(WebAppTest, AsAtShowsTheRecordAsItStoodOnThatDay) {
  const Session director = SignInAs(kUsers[3]);
  // C1 was referred on 2024-01-01: its assessment was due, not yet overdue, a month later.
  const nlohmann::json now = Json(Send(http::Method::kGet, "/api/v1/children/C1", director.cookie));
  const nlohmann::json then = Json(Send(http::Method::kGet, "/api/v1/children/C1?as-at=2024-02-01", director.cookie));
  EXPECT_EQ(now["as_at"], "2025-03-31");
  EXPECT_EQ(then["as_at"], "2024-02-01");
  EXPECT_EQ(StatusOf(now, "referral.assessment-45wd"), "overdue");
  EXPECT_EQ(StatusOf(then, "referral.assessment-45wd"), "due");
  // Before anything was recorded of the child: no deadline, no event.
  const nlohmann::json before = Json(Send(http::Method::kGet, "/api/v1/children/C1?as-at=2023-06-01", director.cookie));
  EXPECT_TRUE(before["deadlines"].empty()) << before.dump();
  EXPECT_TRUE(before["chronology"].empty());
  // The pages say which date they show, and links carry it on.
  http::Response page = Send(http::Method::kGet, "/teams/T1?as-at=2024-02-01", director.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("data-testid=\"as-at-banner\""), std::string::npos);
  EXPECT_NE(page.body.find("/children/C1?as-at=2024-02-01"), std::string::npos);
  EXPECT_EQ(Send(http::Method::kGet, "/teams/T1", director.cookie).body.find("as-at-banner"), std::string::npos);
}

TEST_F(WebAppTest, AsAtMustBeARealDateNotAfterToday) {
  const Session director = SignInAs(kUsers[3]);
  for (const char* bad : {"2024-02-30", "yesterday", "2024-2-1", "2025-04-01", "1066-10-14"}) {
    http::Response response = Send(http::Method::kGet, std::string("/api/v1/service?as-at=") + bad, director.cookie);
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_NE(Json(response)["error"].get<std::string>().find("as-at"), std::string::npos) << bad;
  }
}

TEST_F(WebAppTest, TablesDownloadAsCsvAndExcelAndEachDownloadIsAudited) {
  const Session manager = SignInAs(kUsers[1]);
  http::Response csv = Send(http::Method::kGet, "/teams/T1?format=csv", manager.cookie);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("Worker id,Worker,Employment,Children,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("SW1,Sam (SW1),Employed,2,"), std::string::npos) << csv.body;
  bool attachment = false;
  for (const auto& [name, value] : csv.headers) {
    if (name == "Content-Disposition") attachment = value == "attachment; filename=\"workers-2025-03-31.csv\"";
  }
  EXPECT_TRUE(attachment);
  // Another table of the page, by name; the children list names the children in the audit.
  http::Response children = Send(http::Method::kGet, "/teams/T1?format=csv&table=children", manager.cookie);
  ASSERT_EQ(children.status, 200);
  EXPECT_NE(children.body.find("\nC1,"), std::string::npos) << children.body;
  // A name that starts like a formula is neutralised in the CSV.
  EXPECT_NE(children.body.find("<script>alert(1)</script>"), std::string::npos);
  // Each table's own links download that table, whichever it is on the page.
  http::Response page = Send(http::Method::kGet, "/teams/T1", manager.cookie);
  ASSERT_EQ(page.status, 200);
  auto link = [&page](std::string_view testid) {
    const size_t at = page.body.find("data-testid=\"" + std::string(testid) + "\"");
    const size_t href = at == std::string::npos ? at : page.body.rfind("href=\"", at);
    if (href == std::string::npos) return std::string();
    std::string target = page.body.substr(href + 6, page.body.find('"', href + 6) - href - 6);
    for (size_t amp; (amp = target.find("&amp;")) != std::string::npos;) target.replace(amp, 5, "&");
    return target;
  };
  const std::string rules_link = link("overdue-by-rule-csv");
  ASSERT_NE(rules_link.find("table=overdue-by-rule"), std::string::npos) << rules_link;
  http::Response rules = Send(http::Method::kGet, rules_link, manager.cookie);
  ASSERT_EQ(rules.status, 200);
  EXPECT_EQ(rules.body.rfind("Rule id,Deadline,Source,Children overdue\r\n", 0), 0u) << rules.body;
  EXPECT_EQ(Send(http::Method::kGet, link("children-xlsx"), manager.cookie).body.substr(0, 2), "PK");
  http::Response xlsx = Send(http::Method::kGet, "/?format=xlsx", manager.cookie);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_EQ(Send(http::Method::kGet, "/teams/T1?format=pdf", manager.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/teams/T1?format=csv&table=nothing", manager.cookie).status, 404);
  // Elected members have figures on the page and nothing to download.
  const Session member = SignInAs(kUsers[5]);
  EXPECT_EQ(Send(http::Method::kGet, "/members?format=csv", member.cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kGet, "/members", member.cookie).body.find("format=csv"), std::string::npos);

  auto db = store::Connection::OpenExisting(database_.target());
  ASSERT_TRUE(db.ok());
  store::AuditQuery query;
  query.actor = "tm";
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  int csv_rows = 0, xlsx_rows = 0;
  for (const auto& row : *rows) {
    if (row.entry.action == "download-csv") ++csv_rows;
    if (row.entry.action == "download-xlsx") ++xlsx_rows;
    if (row.entry.action == "download-csv" && row.entry.detail.find("children") != std::string::npos) {
      EXPECT_NE(std::find(row.entry.children.begin(), row.entry.children.end(), "C1"), row.entry.children.end());
    }
  }
  EXPECT_EQ(csv_rows, 3);
  EXPECT_EQ(xlsx_rows, 2);
}

// Annex A leaves with the children the user may see and no others: an inspector's are those
// their grant covers; a restricted child stays out of an analyst's; each download is audited.
TEST_F(WebAppTest, AnnexAHoldsOnlyTheChildrenInScopeAndIsAudited) {
  auto children_listed = [](const std::string& workbook) {
    std::set<std::string> ids;
    for (const cairn::testing::SheetText& sheet : cairn::testing::ReadWorkbook(workbook)) {
      if (sheet.name.rfind("List ", 0) != 0) continue;
      for (size_t r = 1; r < sheet.rows.size(); ++r) ids.insert(sheet.rows[r].at(0));
    }
    return ids;
  };
  const Session inspector = SignInAs(kUsers[6]);
  http::Response granted = Send(http::Method::kGet, "/annex-a", inspector.cookie);
  ASSERT_EQ(granted.status, 200) << granted.body;
  EXPECT_EQ(granted.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(children_listed(granted.body), (std::set<std::string>{"C1"}));
  const Session analyst = SignInAs(kUsers[4]);
  http::Response whole = Send(http::Method::kGet, "/annex-a", analyst.cookie);
  ASSERT_EQ(whole.status, 200);
  const std::set<std::string> listed = children_listed(whole.body);
  EXPECT_TRUE(listed.contains("C2"));
  EXPECT_FALSE(listed.contains("C3")) << "C3 is restricted to its team manager";
  EXPECT_EQ(Send(http::Method::kGet, "/annex-a", SignInAs(kUsers[5]).cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kGet, "/annex-a", SignInAs(kUsers[0]).cookie).status, 403);

  auto db = store::Connection::OpenExisting(database_.target());
  ASSERT_TRUE(db.ok());
  store::AuditQuery query;
  query.actor = "insp";
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  bool audited = false;
  for (const auto& row : *rows) {
    if (row.entry.action != "download-annex-a") continue;
    audited = true;
    EXPECT_EQ(row.entry.children, (std::vector<std::string>{"C1"}));
  }
  EXPECT_TRUE(audited);
}

TEST_F(WebAppTest, SearchFindsUpnsAndNamesThatSoundAlikeWithinScope) {
  {
    auto db = store::Connection::OpenExisting(database_.target());
    ASSERT_TRUE(db.ok());
    auto transaction = store::Transaction::Begin(**db);
    ASSERT_TRUE(transaction.ok());
    model::Chronology john = Child("C5", "SW1", "John");
    john.mutable_child().family_name = "Smith";
    john.mutable_child().upn = "A123456789012";
    model::Chronology other = Child("C6", "SW2", "Jon");
    other.mutable_child().family_name = "Smyth";
    std::vector<model::Chronology> children = {john, other};
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "names"}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  auto ids = [](const nlohmann::json& json) {
    std::vector<std::string> found;
    for (const auto& child : json["children"]) found.push_back(child["id"]);
    return found;
  };
  const Session director = SignInAs(kUsers[3]);
  const nlohmann::json alike = Json(Send(http::Method::kGet, "/api/v1/search?q=Jon+Smyth", director.cookie));
  EXPECT_EQ(ids(alike), (std::vector<std::string>{"C6", "C5"})) << alike.dump();
  EXPECT_EQ(alike["match"], (nlohmann::json{"matches", "sounds like"}));
  const nlohmann::json misspelt = Json(Send(http::Method::kGet, "/api/v1/search?q=Jhon+Smyth", director.cookie));
  EXPECT_EQ(misspelt["match"], (nlohmann::json{"sounds like", "sounds like"})) << misspelt.dump();
  EXPECT_EQ(ids(Json(Send(http::Method::kGet, "/api/v1/search?q=a1234", director.cookie))), (std::vector<std::string>{"C5"}));
  EXPECT_TRUE(ids(Json(Send(http::Method::kGet, "/api/v1/search?q=Jones", director.cookie))).empty());
  // The team manager of T1 does not see C6 (SW2 is in T2), however it is spelt.
  const Session manager = SignInAs(kUsers[1]);
  EXPECT_EQ(ids(Json(Send(http::Method::kGet, "/api/v1/search?q=Jon+Smith", manager.cookie))),
            (std::vector<std::string>{"C5"}));
}

TEST_F(WebAppTest, TheWorkerPageListsTheirChildrenAndTheirDeadlines) {
  const Session practitioner = SignInAs(kUsers[0]);  // SW1: C1 and C3 (restricted to tm)
  const nlohmann::json week = Json(Send(http::Method::kGet, "/api/v1/home", practitioner.cookie));
  std::vector<std::string> children;
  for (const auto& row : week["tables"]["children"]) children.push_back(row["id"]);
  EXPECT_EQ(children, (std::vector<std::string>{"C1"})) << week.dump();
  ASSERT_FALSE(week["tables"]["deadlines"].empty());
  EXPECT_EQ(week["tables"]["deadlines"][0]["when"], "Overdue");
  EXPECT_EQ(week["tables"]["deadlines"][0]["child_id"], "C1");
  // The same page at /workers/SW1; a head of service may open it, the worker's colleague may not.
  EXPECT_EQ(Json(Send(http::Method::kGet, "/api/v1/workers/SW1", practitioner.cookie))["tables"], week["tables"]);
  EXPECT_EQ(Send(http::Method::kGet, "/workers/SW1", SignInAs(kUsers[2]).cookie).status, 200);
  EXPECT_EQ(Send(http::Method::kGet, "/workers/SW2", practitioner.cookie).status, 404);
}

}  // namespace
}  // namespace cairn::web

namespace cairn::web {
namespace {

// A child whose CIN referral gives a source no code list has (DfE rule 8866), written as markup.
model::Chronology WithBadReferralSource(std::string id, std::string worker) {
  model::Chronology chronology = Child(std::move(id), std::move(worker));
  for (model::Event& event : chronology.mutable_events()) {
    if (event.kind == model::EventKind::kCinEpisode) event.Set("ReferralSource", "<b>9Z</b>");
  }
  return chronology;
}

bool ContainsIgnoringCase(std::string text, std::string part) {
  auto lower = [](std::string& s) { std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); }); };
  lower(text);
  lower(part);
  return text.find(part) != std::string::npos;
}

TEST_F(WebAppTest, ReturnChecksByRuleForAnalystsEscapedScopedDownloadableAndAudited) {
  {
    auto db = store::Connection::OpenExisting(database_.target());
    ASSERT_TRUE(db.ok());
    auto transaction = store::Transaction::Begin(**db);
    ASSERT_TRUE(transaction.ok());
    // C5 is anyone's to see; C3 is restricted to its team manager.
    std::vector<model::Chronology> children = {WithBadReferralSource("C5", "SW1"), WithBadReferralSource("C3", "SW1")};
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  // Social workers and elected members are refused the council's checks.
  EXPECT_EQ(Send(http::Method::kGet, "/validation", SignInAs(kUsers[0]).cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kGet, "/validation/rule/8866", SignInAs(kUsers[0]).cookie).status, 403);
  EXPECT_EQ(Send(http::Method::kGet, "/validation", SignInAs(kUsers[5]).cookie).status, 403);

  const Session analyst = SignInAs(kUsers[4]);
  http::Response summary = Send(http::Method::kGet, "/validation", analyst.cookie);
  ASSERT_EQ(summary.status, 200) << summary.body;
  EXPECT_NE(summary.body.find("DfE return checks, 2024/25"), std::string::npos);
  EXPECT_NE(summary.body.find("data-testid=\"rule-cin-8866\""), std::string::npos) << summary.body;
  EXPECT_NE(summary.body.find("/validation/rule/8866?year=2025&amp;return=cin"), std::string::npos);
  EXPECT_NE(summary.body.find("not yet checked"), std::string::npos);
  EXPECT_EQ(Send(http::Method::kGet, "/validation?year=1999", analyst.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/validation?year=20x6", analyst.cookie).status, 400);
  EXPECT_EQ(Send(http::Method::kGet, "/validation?year=2026", analyst.cookie).status, 200);

  http::Response rule = Send(http::Method::kGet, "/validation/rule/8866?year=2025&return=cin", analyst.cookie);
  ASSERT_EQ(rule.status, 200) << rule.body;
  EXPECT_NE(rule.body.find("href=\"/children/C5#return-checks\""), std::string::npos) << rule.body;
  EXPECT_EQ(rule.body.find("/children/C3"), std::string::npos) << "C3 is restricted to its team manager";
  EXPECT_NE(rule.body.find("data-testid=\"out-of-sight\""), std::string::npos);
  EXPECT_FALSE(ContainsIgnoringCase(rule.body, "<b>9Z")) << "values are escaped";
  EXPECT_TRUE(ContainsIgnoringCase(rule.body, "&lt;b&gt;9Z"));
  EXPECT_NE(rule.body.find("Child in need episode"), std::string::npos) << "the record the row came from";
  EXPECT_EQ(Send(http::Method::kGet, "/validation/rule/99999?year=2025", analyst.cookie).status, 404);
  EXPECT_EQ(Send(http::Method::kGet, "/validation/rule/88%3C66", analyst.cookie).status, 400);

  http::Response csv = Send(http::Method::kGet, "/validation/rule/8866?year=2025&return=cin&format=csv", analyst.cookie);
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_NE(csv.body.find("C5"), std::string::npos);
  EXPECT_EQ(csv.body.find("C3"), std::string::npos);
  http::Response xlsx = Send(http::Method::kGet, "/validation/rule/8866?year=2025&return=cin&format=xlsx", analyst.cookie);
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");

  auto db = store::Connection::OpenExisting(database_.target());
  ASSERT_TRUE(db.ok());
  store::AuditQuery query;
  query.actor = "ana";
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  bool summary_audited = false, list_audited = false, download_audited = false;
  for (const auto& row : *rows) {
    if (row.entry.action == "read-aggregates" && row.entry.detail.find("DfE return checks") != std::string::npos) {
      summary_audited = true;
    }
    if (row.entry.action == "read-list" && row.entry.route == "GET /validation/rule/{code}") {
      list_audited = true;
      EXPECT_NE(std::find(row.entry.children.begin(), row.entry.children.end(), "C5"), row.entry.children.end());
      EXPECT_EQ(std::find(row.entry.children.begin(), row.entry.children.end(), "C3"), row.entry.children.end());
    }
    if (row.entry.action == "download-csv" && row.entry.route == "GET /validation/rule/{code}") {
      download_audited = true;
      EXPECT_EQ(std::find(row.entry.children.begin(), row.entry.children.end(), "C3"), row.entry.children.end());
    }
  }
  EXPECT_TRUE(summary_audited);
  EXPECT_TRUE(list_audited);
  EXPECT_TRUE(download_audited);
}

TEST_F(WebAppTest, AChildsPageShowsTheRulesItsRecordsBreak) {
  {
    auto db = store::Connection::OpenExisting(database_.target());
    ASSERT_TRUE(db.ok());
    auto transaction = store::Transaction::Begin(**db);
    ASSERT_TRUE(transaction.ok());
    std::vector<model::Chronology> children = {WithBadReferralSource("C5", "SW1")};
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  // The social worker sees their child's findings without the council's checks page.
  const Session worker = SignInAs(kUsers[0]);
  http::Response page = Send(http::Method::kGet, "/children/C5", worker.cookie);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("DfE return checks"), std::string::npos);
  EXPECT_NE(page.body.find("data-testid=\"return-checks-table\""), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("<td>8866</td>"), std::string::npos);
  // The worker may correct the referral there and then.
  EXPECT_NE(page.body.find("data-testid=\"correct-finding-"), std::string::npos);
  EXPECT_FALSE(ContainsIgnoringCase(page.body, "<b>9Z"));
  EXPECT_EQ(page.body.find("/validation\""), std::string::npos) << "no link to a page the role may not open";
  nlohmann::json json = nlohmann::json::parse(Send(http::Method::kGet, "/api/v1/children/C5", worker.cookie).body);
  ASSERT_TRUE(json["return_checks"].is_array());
  ASSERT_FALSE(json["return_checks"].empty());
  EXPECT_TRUE(std::any_of(json["return_checks"].begin(), json["return_checks"].end(),
                          [](const nlohmann::json& row) { return row["code"] == "8866"; }));
  EXPECT_EQ(json["return_checks_year"], "2024/25");
  http::Response csv = Send(http::Method::kGet, "/children/C5?format=csv&table=return-checks", worker.cookie);
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.body.find("8866"), std::string::npos);
}

}  // namespace
}  // namespace cairn::web
