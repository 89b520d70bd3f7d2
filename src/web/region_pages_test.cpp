// The region's server: `cairn serve` on a region's PostgreSQL URL without a council.
#include "web/region_pages.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "access/accounts.h"
#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/migrations.h"
#include "store/region.h"
#include "store/settings.h"
#include "store/test_database.h"
#include "web/app.h"

namespace cairn::web {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

std::string Password(const std::string& username) { return "Orchard-kestrel-river-" + std::to_string(username.size()); }

// A child in need since May 2024, open on 31 March 2025.
model::Chronology Child(const std::string& id) {
  model::Child child;
  child.la_child_id = id;
  child.birth_date = D(2015, 5, 1);
  child.given_name = "Named" + id;
  child.sex = "1";
  model::Chronology chronology(child);
  model::Event referral;
  referral.kind = model::EventKind::kCinEpisode;
  referral.start = D(2024, 5, 1);
  referral.Set("ReferralSource", "1A");
  chronology.Add(std::move(referral));
  return chronology;
}

class RegionServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(region_.url().empty());
    auto roles = access::RoleCatalogue::BuiltIn();
    ASSERT_TRUE(roles.ok()) << roles.status().message();
    roles_ = std::move(*roles);
    auto migrations = store::BuiltInMigrations();
    ASSERT_TRUE(migrations.ok());
    // Council 343 with three children, 344 with two.
    for (const auto& [council, count] : {std::pair{"343", 3}, std::pair{"344", 2}}) {
      auto target = store::CouncilTarget(region_.url(), council);
      ASSERT_TRUE(target.ok()) << target.status().message();
      auto db = store::Connection::Open(*target);
      ASSERT_TRUE(db.ok()) << db.status().message();
      ASSERT_TRUE(store::Migrate(**db, *migrations).ok());
      std::vector<model::Chronology> children;
      for (int i = 1; i <= count; ++i) children.push_back(Child("LA" + std::string(council) + "CHILD" + std::to_string(i)));
      ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
      ASSERT_TRUE(store::SetSetting(**db, "la-code", council).ok());
      ASSERT_TRUE(store::SetSetting(**db, "population", "10000").ok());
    }
  }

  void AddUser(const std::string& target, const std::string& username, const std::string& role) {
    auto db = store::Connection::OpenExisting(target);
    ASSERT_TRUE(db.ok()) << db.status().message();
    access::Accounts accounts(**db, roles_, clock_, access::PasswordHasher(access::PasswordCost::ForTests()));
    auto added = accounts.AddUser({username, role, "", "", "", Password(username)}, {"os:test", "cli", "test", "local"});
    ASSERT_TRUE(added.ok()) << added.status().message();
  }

  std::unique_ptr<WebApp> Serve(const std::string& target) {
    WebOptions options;
    options.password_cost = access::PasswordCost::ForTests();
    options.as_at = D(2025, 3, 31);
    options.threads = 1;
    auto app = WebApp::Open(target, clock_, options);
    EXPECT_TRUE(app.ok()) << app.status().message();
    return app.ok() ? std::move(*app) : nullptr;
  }

  static std::string CookieValue(const http::Response& response, std::string_view name) {
    for (const auto& [header, value] : response.headers) {
      if (header != "Set-Cookie" || value.rfind(std::string(name) + "=", 0) != 0) continue;
      return value.substr(name.size() + 1, value.find(';') - name.size() - 1);
    }
    return "";
  }

  static http::Response Send(WebApp& app, http::Method method, std::string target, std::string cookie = "",
                             std::string body = "") {
    http::Request request;
    request.method = method;
    request.target = std::move(target);
    request.client = "127.0.0.1";
    if (!cookie.empty()) request.headers.emplace_back("cookie", cookie);
    if (method == http::Method::kPost) request.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
    request.body = std::move(body);
    return app.Handle(request);
  }

  // The session cookie of a user signed in through the login form.
  static std::string SignIn(WebApp& app, const std::string& username) {
    http::Response form = Send(app, http::Method::kGet, "/login");
    const std::string login_token = CookieValue(form, "cairn_login");
    http::Response signed_in = Send(app, http::Method::kPost, "/login", "cairn_login=" + login_token,
                                    "csrf=" + login_token + "&username=" + username + "&password=" + Password(username));
    const std::string token = CookieValue(signed_in, "cairn_session");
    return token.empty() ? "" : "cairn_session=" + token;
  }

  static std::vector<store::StoredAuditEntry> AuditOf(const std::string& target, const std::string& actor) {
    auto db = store::Connection::OpenExisting(target);
    EXPECT_TRUE(db.ok()) << db.status().message();
    if (!db.ok()) return {};
    auto verdict = store::VerifyAudit(**db);
    EXPECT_TRUE(verdict.ok() && verdict->intact) << (verdict.ok() ? verdict->problem : verdict.status().message());
    store::AuditQuery query;
    query.actor = actor;
    auto rows = store::QueryAudit(**db, query);
    EXPECT_TRUE(rows.ok()) << rows.status().message();
    return rows.ok() ? *rows : std::vector<store::StoredAuditEntry>{};
  }

  store::TestPostgresRegion region_;
  FixedClock clock_{D(2025, 3, 31), 1'743'400'000};
  access::RoleCatalogue roles_;
};

TEST(RegionSchemaTargetTest, TheRegionsSchemaIsTheSearchPathAddedToAnyOptionsGiven) {
  EXPECT_EQ(*store::RegionSchemaTarget("postgresql://cairn@db/region"),
            "postgresql://cairn@db/region?options=-csearch_path%3Dregion");
  EXPECT_EQ(*store::RegionSchemaTarget("postgresql://cairn@/region?host=/tmp/pg"),
            "postgresql://cairn@/region?host=/tmp/pg&options=-csearch_path%3Dregion");
  EXPECT_EQ(*store::RegionSchemaTarget("postgresql://cairn@/region?options=-cwork_mem%3D64MB&host=/tmp/pg"),
            "postgresql://cairn@/region?options=-cwork_mem%3D64MB%20-csearch_path%3Dregion&host=/tmp/pg");
  EXPECT_FALSE(store::RegionSchemaTarget("postgresql://cairn@db/region?council=343").ok());
  EXPECT_FALSE(store::RegionSchemaTarget("cairn.db").ok());
}

TEST(RegionSchemaTargetTest, ASqliteFileIsServedAsGiven) {
  auto served = store::ServedTarget("/tmp/not-a-region.db");
  ASSERT_TRUE(served.ok());
  EXPECT_FALSE(served->region);
  EXPECT_EQ(served->target, "/tmp/not-a-region.db");
}

TEST_F(RegionServerTest, AnAnalystSeesEveryCouncilSideBySideAndDownloadsThePooledExtract) {
  auto served = store::ServedTarget(region_.url());
  ASSERT_TRUE(served.ok()) << served.status().message();
  ASSERT_TRUE(served->region);
  EXPECT_EQ(served->councils, (std::vector<std::string>{"343", "344"}));
  AddUser(served->target, "analyst1", "regional-analyst");
  AddUser(served->target, "regionadmin", "admin");
  std::unique_ptr<WebApp> app = Serve(region_.url());
  ASSERT_NE(app, nullptr);
  const std::string cookie = SignIn(*app, "analyst1");
  ASSERT_FALSE(cookie.empty());

  // The home page is the region's: a column for every council.
  http::Response home = Send(*app, http::Method::kGet, "/", cookie);
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_THAT(home.body, HasSubstr("data-testid=\"region-heading\""));
  EXPECT_THAT(home.body, HasSubstr("Council 343"));
  EXPECT_THAT(home.body, HasSubstr("Council 344"));
  EXPECT_THAT(home.body, HasSubstr("no names"));
  http::Response api = Send(*app, http::Method::kGet, "/api/v1/region?year=2025", cookie);
  ASSERT_EQ(api.status, 200) << api.body;
  const nlohmann::json page = nlohmann::json::parse(api.body);
  bool found = false;
  for (const nlohmann::json& row : page["tables"]["region-indicators"]) {
    if (row["indicator_id"] != "cin-31-march") continue;
    found = true;
    EXPECT_EQ(row["c343"], 3) << row.dump();
    EXPECT_EQ(row["c344"], 2) << row.dump();
  }
  EXPECT_TRUE(found) << api.body;
  // Served again from what was kept, the same.
  EXPECT_EQ(Send(*app, http::Method::kGet, "/api/v1/region?year=2025", cookie).body, api.body);
  // A child added to a council (its record generation moves) shows on the next request.
  {
    auto db = store::Connection::OpenExisting(*store::CouncilTarget(region_.url(), "344"));
    ASSERT_TRUE(db.ok());
    const std::vector<model::Chronology> added = {Child("LA344CHILD3")};
    ASSERT_TRUE(store::SaveChronologies(**db, added, {"test", "later"}).ok());
  }
  const nlohmann::json after = nlohmann::json::parse(Send(*app, http::Method::kGet, "/api/v1/region?year=2025", cookie).body);
  for (const nlohmann::json& row : after["tables"]["region-indicators"]) {
    if (row["indicator_id"] == "cin-31-march") {
      EXPECT_EQ(row["c344"], 3) << row.dump();
    }
  }
  EXPECT_EQ(Send(*app, http::Method::kGet, "/region?year=2031", cookie).status, 400);

  // No council's pages here.
  http::Response child = Send(*app, http::Method::kGet, "/children/LA343CHILD1", cookie);
  EXPECT_EQ(child.status, 404);
  EXPECT_THAT(child.body, HasSubstr("council-page-on-region"));
  EXPECT_EQ(Send(*app, http::Method::kGet, "/service", cookie).status, 404);

  // The pooled extract: every council's children, by pseudonym only.
  http::Response csv = Send(*app, http::Method::kGet, "/region/children.csv?as-at=2025-03-31", cookie);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_THAT(csv.content_type, HasSubstr("text/csv"));
  EXPECT_THAT(csv.body, HasSubstr("pseudonym,council,age_band"));
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 7) << csv.body;
  EXPECT_THAT(csv.body, Not(HasSubstr("CHILD")));
  EXPECT_THAT(csv.body, Not(HasSubstr("Named")));
  EXPECT_THAT(csv.body, Not(HasSubstr("2015")));

  // Each council's trail names its children in the file, by the region's user; the region's
  // records the download, naming no council's identifier.
  for (const auto& [council, count] : {std::pair{"343", 3u}, std::pair{"344", 3u}}) {
    const auto rows = AuditOf(*store::CouncilTarget(region_.url(), council), "region:analyst1");
    bool exported = false, read = false;
    for (const store::StoredAuditEntry& row : rows) {
      if (row.entry.action == "export") {
        exported = true;
        EXPECT_EQ(row.entry.children.size(), count) << council;
        EXPECT_EQ(row.entry.role, "regional-analyst");
        EXPECT_EQ(row.entry.route, "GET /region/children.csv");
      }
      read = read || row.entry.action == "read-aggregates";
    }
    EXPECT_TRUE(exported) << council;
    EXPECT_TRUE(read) << council;
  }
  bool region_export = false;
  for (const store::StoredAuditEntry& row : AuditOf(served->target, "analyst1")) {
    if (row.entry.action != "export") continue;
    region_export = true;
    EXPECT_TRUE(row.entry.children.empty());
    EXPECT_THAT(row.entry.detail, HasSubstr("6 children (343: 3, 344: 3)"));
  }
  EXPECT_TRUE(region_export);

  // The region's administrator manages its users; other pages are a council's.
  const std::string admin = SignIn(*app, "regionadmin");
  ASSERT_FALSE(admin.empty());
  EXPECT_EQ(Send(*app, http::Method::kGet, "/admin/users", admin).status, 200);
  EXPECT_EQ(Send(*app, http::Method::kGet, "/region", admin).status, 403);
  EXPECT_EQ(Send(*app, http::Method::kGet, "/admin/grants", admin).status, 404);
}

TEST_F(RegionServerTest, ACouncilsUsersCannotReachTheRegionsPages) {
  const std::string council = *store::CouncilTarget(region_.url(), "343");
  AddUser(council, "director1", "director");
  AddUser(council, "stray1", "regional-analyst");
  std::unique_ptr<WebApp> app = Serve(council);
  ASSERT_NE(app, nullptr);
  const std::string director = SignIn(*app, "director1");
  ASSERT_FALSE(director.empty());
  EXPECT_EQ(Send(*app, http::Method::kGet, "/region", director).status, 403);
  EXPECT_EQ(Send(*app, http::Method::kGet, "/region/children.csv", director).status, 403);
  // A regional analyst's account made in a council by mistake finds no region there.
  const std::string stray = SignIn(*app, "stray1");
  ASSERT_FALSE(stray.empty());
  http::Response refused = Send(*app, http::Method::kGet, "/region/children.csv", stray);
  EXPECT_EQ(refused.status, 404);
  EXPECT_THAT(refused.body, HasSubstr("data-testid=\"not-a-region\""));
  // Nothing left the council.
  for (const store::StoredAuditEntry& row : AuditOf(council, "stray1")) EXPECT_NE(row.entry.action, "export");
}

}  // namespace
}  // namespace cairn::web
