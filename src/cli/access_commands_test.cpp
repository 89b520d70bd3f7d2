#include <gtest/gtest.h>

#include <fstream>

#include "access/roles.h"
#include "cli/cli_test_support.h"
#include "store/access_store.h"
#include "store/audit.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

using testing::FreshTestFolder;
using testing::Outcome;
using testing::RunCairn;

const Date kToday = Date::FromYmdOrDie(2025, 3, 31);

class AccessCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestFolder("cairn_access_cli_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
    ASSERT_EQ(RunCairn({"init", "--db", db_}, kToday).code, 0);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Sql(const std::string& sql) {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Execute(sql).ok()) << sql;
  }

  std::filesystem::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

TEST_F(AccessCommandsTest, UsersAreAddedListedDisabledAndChanged) {
  Outcome added = RunCairn({"user", "add", "--db", db_, "--username", "dcs", "--role", "director"}, kToday);
  ASSERT_EQ(added.code, 0) << added.err;
  EXPECT_NE(added.out.find("One-time password: "), std::string::npos);
  EXPECT_EQ(RunCairn({"user", "add", "--db", db_, "--username", "dcs", "--role", "director"}, kToday).code, 1);
  Outcome unknown_role = RunCairn({"user", "add", "--db", db_, "--username", "x", "--role", "wizard"}, kToday);
  EXPECT_EQ(unknown_role.code, 1);
  EXPECT_NE(unknown_role.err.find("practitioner"), std::string::npos) << "lists the roles: " << unknown_role.err;
  EXPECT_EQ(RunCairn({"user", "disable", "--db", db_, "dcs"}, kToday).code, 0);
  Outcome listed = RunCairn({"user", "list", "--db", db_}, kToday);
  EXPECT_NE(listed.out.find("disabled"), std::string::npos) << listed.out;
  EXPECT_EQ(RunCairn({"user", "set-role", "--db", db_, "dcs", "--role", "analyst"}, kToday).code, 0);
  auto db = store::Connection::OpenExisting(db_);
  auto user = store::FindUser(**db, "dcs");
  ASSERT_TRUE(user.ok() && user->has_value());
  EXPECT_EQ((*user)->role, "analyst");
  EXPECT_TRUE((*user)->disabled);
}

TEST_F(AccessCommandsTest, GrantsNeedAScopeAFutureDateAndAReason) {
  ASSERT_EQ(RunCairn({"user", "add", "--db", db_, "--username", "insp", "--role", "inspector"}, kToday).code, 0);
  EXPECT_EQ(RunCairn({"grant", "--db", db_, "--user", "insp", "--until", "2025-04-30", "--reason", "x"}, kToday).code, 1);
  EXPECT_EQ(RunCairn({"grant", "--db", db_, "--user", "insp", "--all", "--until", "2025-03-30", "--reason", "x"}, kToday)
                .code,
            1);
  EXPECT_EQ(RunCairn({"grant", "--db", db_, "--user", "insp", "--all", "--until", "31/04/2025", "--reason", "x"}, kToday)
                .code,
            1);
  Outcome granted =
      RunCairn({"grant", "--db", db_, "--user", "insp", "--team", "T1", "--until", "2025-04-30", "--reason", "ILACS"},
               kToday);
  EXPECT_EQ(granted.code, 0) << granted.err;
}

TEST_F(AccessCommandsTest, AuditVerifyNamesTheRowTamperedWith) {
  ASSERT_EQ(RunCairn({"user", "add", "--db", db_, "--username", "a1", "--role", "director"}, kToday).code, 0);
  ASSERT_EQ(RunCairn({"user", "add", "--db", db_, "--username", "a2", "--role", "director"}, kToday).code, 0);
  ASSERT_EQ(RunCairn({"child", "restrict", "--db", db_, "C9", "--allow", "a1", "--reason", "staff"}, kToday).code, 0);
  Outcome intact = RunCairn({"audit", "verify", "--db", db_}, kToday);
  EXPECT_EQ(intact.code, 0) << intact.err;
  EXPECT_NE(intact.out.find("3 row(s)"), std::string::npos) << intact.out;

  Outcome by_child = RunCairn({"audit", "--db", db_, "--child", "C9", "--format", "csv"}, kToday);
  ASSERT_EQ(by_child.code, 0) << by_child.err;
  EXPECT_EQ(testing::SplitLines(by_child.out).size(), 2u) << by_child.out;
  EXPECT_NE(by_child.out.find("restrict"), std::string::npos);
  EXPECT_EQ(by_child.out.find("staff"), std::string::npos) << "the reason is free text, not for the audit trail";

  Sql("UPDATE audit_log SET actor = 'someone-else' WHERE id = 2");
  Outcome edited = RunCairn({"audit", "verify", "--db", db_}, kToday);
  EXPECT_EQ(edited.code, 1);
  EXPECT_NE(edited.err.find("audit row 2 "), std::string::npos) << edited.err;
  Sql("UPDATE audit_log SET actor = (SELECT actor FROM audit_log WHERE id = 1) WHERE id = 2");
  EXPECT_EQ(RunCairn({"audit", "verify", "--db", db_}, kToday).code, 0);
  Sql("DELETE FROM audit_log WHERE id = 3");
  Outcome deleted = RunCairn({"audit", "verify", "--db", db_}, kToday);
  EXPECT_EQ(deleted.code, 1);
  EXPECT_NE(deleted.err.find("audit row 3 has been deleted"), std::string::npos) << deleted.err;
}

TEST_F(AccessCommandsTest, TheAuditCsvRunsNoFormulaInASpreadsheet) {
  // A username may begin with '@' or '-' (both are allowed in identifiers).
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(store::AppendAudit(**db, {"", "@SUM(1)", "director", "login", "POST /login", {}, "127.0.0.1", "ok",
                                          "-2+3"})
                    .ok());
  }
  Outcome csv = RunCairn({"audit", "--db", db_, "--user", "@SUM(1)", "--format", "csv"}, kToday);
  ASSERT_EQ(csv.code, 0) << csv.err;
  const auto lines = testing::SplitLines(csv.out);
  ASSERT_EQ(lines.size(), 2u) << csv.out;
  EXPECT_NE(lines[1].find(",'@SUM(1),"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(",'-2+3"), std::string::npos) << lines[1];
}

TEST_F(AccessCommandsTest, DemoAccountsAreMadeOnlyInASimulatedCouncil) {
  Outcome refused = RunCairn({"user", "demo", "--db", db_, "--as-at", "2025-03-31"}, kToday);
  EXPECT_EQ(refused.code, 1);
  EXPECT_NE(refused.err.find("not a simulated council"), std::string::npos) << refused.err;
  ASSERT_EQ(RunCairn({"simulate", "--db", db_, "--population", "3000", "--years", "1", "--seed", "3", "--as-at",
                      "2025-03-31"},
                     kToday)
                .code,
            0);
  Outcome made = RunCairn({"user", "demo", "--db", db_, "--as-at", "2025-03-31"}, kToday);
  ASSERT_EQ(made.code, 0) << made.err;
  auto db = store::Connection::OpenExisting(db_);
  auto users = store::ListUsers(**db);
  ASSERT_TRUE(users.ok());
  auto roles = access::RoleCatalogue::BuiltIn();
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(users->size(), roles->roles().size()) << "one demo account per role";
  for (const store::UserRecord& user : *users) {
    EXPECT_EQ(user.username, "demo-" + user.role);
    EXPECT_TRUE(user.must_change_password) << user.username;
    EXPECT_EQ(!user.worker_id.empty(), user.role == "practitioner") << user.username;
    EXPECT_EQ(!user.team_id.empty(), user.role == "team-manager") << user.username;
    EXPECT_EQ(!user.service.empty(), user.role == "service-manager") << user.username;
  }
  // A simulated council takes no real returns either: its mark must stay true.
  const std::filesystem::path header = dir_ / "header.csv";
  std::ofstream(header) << "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2015,WBRI,A123456789012,,\n";
  Outcome imported = RunCairn({"import", "--db", db_, "--year", "2025", header.string()}, kToday);
  EXPECT_EQ(imported.code, 1);
  EXPECT_NE(imported.err.find("simulated council"), std::string::npos) << imported.err;
}

TEST_F(AccessCommandsTest, CommandLineRowsNameTheRealAccountNotUser) {
  setenv("USER", "spoofed-name", 1);
  ASSERT_EQ(RunCairn({"user", "add", "--db", db_, "--username", "a1", "--role", "director"}, kToday).code, 0);
  auto db = store::Connection::OpenExisting(db_);
  store::AuditQuery query;
  auto rows = store::QueryAudit(**db, query);
  ASSERT_TRUE(rows.ok());
  ASSERT_FALSE(rows->empty());
  // The test harness passes the actor main() would set; check main's source of it directly.
  EXPECT_EQ(store::OperatingSystemActor().find("spoofed-name"), std::string::npos);
}

}  // namespace
}  // namespace cairn::cli
