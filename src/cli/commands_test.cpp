#include "cli/commands.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "store/chronology_store.h"
#include "store/database.h"
#include "store/migrations.h"

namespace cairn::cli {
namespace {

using testing::Outcome;

Outcome RunCairn(std::vector<std::string> args) {
  return testing::RunCairn(std::move(args), Date::FromYmdOrDie(2025, 3, 31));
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_cli_test_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

// CTest runs this suite on both backends: each run's databases are on the backend it asks for.
TEST_F(CliTest, TheDatabaseIsOnTheBackendTheRunAsksFor) {
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  const Outcome status = RunCairn({"status", "--db", db_});
  ASSERT_EQ(status.code, 0) << status.err;
  const std::string backend = testing::OnPostgres() ? "postgresql)" : "sqlite)";
  EXPECT_NE(status.out.find("migrations applied, " + backend), std::string::npos) << status.out;
}

// A database left part way through its migrations (an older Cairn's, or a first command killed
// before it ended): the commands that read it bring it up to this Cairn's schema first, rather
// than stopping on a table it does not have yet; `audit verify`, which changes nothing, says to
// migrate it; a database with no Cairn schema at all is refused, naming `cairn init`.
TEST_F(CliTest, ADatabaseMigrationsBehindIsBroughtUpToDateByTheCommandsThatReadIt) {
  auto migrations = store::BuiltInMigrations();
  ASSERT_TRUE(migrations.ok());
  const std::vector<store::Migration> first_two(migrations->begin(), migrations->begin() + 2);
  auto pending = [&]() -> size_t {
    auto db = store::Connection::OpenExisting(db_);
    if (!db.ok()) return 0;
    auto check = store::CheckMigrations(**db, *migrations);
    return check.ok() ? check->pending.size() : 0;
  };
  auto migrate_first_two = [&] {
    databases_->Remove(db_);
    auto db = store::Connection::Open(db_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE(store::Migrate(**db, first_two).ok());
  };
  migrate_first_two();
  const Outcome verified = RunCairn({"audit", "verify", "--db", db_});
  EXPECT_EQ(verified.code, 1);
  EXPECT_NE(verified.err.find("2 of " + std::to_string(migrations->size()) + " migrations applied): run `cairn migrate"),
            std::string::npos)
      << verified.err;
  EXPECT_EQ(pending(), migrations->size() - 2) << "audit verify changed the schema";
  for (const std::vector<std::string>& command :
       std::vector<std::vector<std::string>>{{"due", "--db", db_, "--as-at", "2025-03-31"},
                                             {"export", "ssda903", "--db", db_, "--year", "2025", "--out",
                                              (dir_ / "ssda903").string()},
                                             {"settings", "show", "--db", db_},
                                             {"audit", "verify", "--db", db_}}) {
    if (command[0] != "audit") migrate_first_two();  // audit verify: after `settings show` brought it up
    const Outcome outcome = RunCairn(command);
    EXPECT_EQ(outcome.code, 0) << command[0] << ": " << outcome.err;
    EXPECT_EQ(pending(), 0u) << command[0];
  }
  // No Cairn schema at all (a SQLite file of something else, an empty PostgreSQL schema).
  databases_->Remove(db_);
  {
    auto db = store::Connection::Open(db_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->ExecuteScript("CREATE TABLE other (x INTEGER)").ok());
  }
  const Outcome nothing = RunCairn({"due", "--db", db_, "--as-at", "2025-03-31"});
  EXPECT_EQ(nothing.code, 1);
  EXPECT_NE(nothing.err.find("holds no Cairn database yet: make one with `cairn init --db"), std::string::npos)
      << nothing.err;
  EXPECT_EQ(pending(), migrations->size()) << "a database that is not Cairn's was changed";
}

TEST_F(CliTest, HelpListsEveryCommandAndExitsZero) {
  const Outcome outcome = RunCairn({"--help"});
  EXPECT_EQ(outcome.code, 0);
  for (const Command& command : Commands()) {
    EXPECT_NE(outcome.out.find(std::string(command.name)), std::string::npos) << command.name;
  }
}

TEST_F(CliTest, CommandHelpShowsItsOptions) {
  const Outcome outcome = RunCairn({"init", "--help"});
  EXPECT_EQ(outcome.code, 0);
  EXPECT_NE(outcome.out.find("--db"), std::string::npos);
}

TEST_F(CliTest, NoCommandIsAUsageError) {
  const Outcome outcome = RunCairn({});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_NE(outcome.err.find("Usage"), std::string::npos);
}

TEST_F(CliTest, UnknownCommandPrintsUsageToStderrAndExitsTwo) {
  const Outcome outcome = RunCairn({"frobnicate"});
  EXPECT_EQ(outcome.code, 2);
  EXPECT_TRUE(outcome.out.empty());
  EXPECT_NE(outcome.err.find("frobnicate"), std::string::npos);
  EXPECT_NE(outcome.err.find("Usage"), std::string::npos);
}

TEST_F(CliTest, BadOptionExitsTwo) {
  EXPECT_EQ(RunCairn({"init", "--db", db_, "--colour", "blue"}).code, 2);
  EXPECT_EQ(RunCairn({"init"}).code, 2);  // --db is required
}

TEST_F(CliTest, VersionPrintsAVersion) {
  const Outcome outcome = RunCairn({"version"});
  EXPECT_EQ(outcome.code, 0);
  EXPECT_EQ(outcome.out.rfind("cairn ", 0), 0u);
}

TEST_F(CliTest, InitCreatesAndReopensAndMigrateIsANoOp) {
  const Outcome created = RunCairn({"init", "--db", db_});
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_NE(created.out.find("Created database"), std::string::npos);
  EXPECT_NE(created.out.find("Applied 0001"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(db_));

  const Outcome reopened = RunCairn({"init", "--db", db_});
  ASSERT_EQ(reopened.code, 0) << reopened.err;
  EXPECT_NE(reopened.out.find("Opened existing database"), std::string::npos);
  EXPECT_NE(reopened.out.find("nothing to apply"), std::string::npos);

  const Outcome migrated = RunCairn({"migrate", "--db", db_});
  ASSERT_EQ(migrated.code, 0) << migrated.err;
  EXPECT_NE(migrated.out.find("nothing to apply"), std::string::npos);

  const Outcome status = RunCairn({"status", "--db", db_});
  ASSERT_EQ(status.code, 0) << status.err;
  EXPECT_NE(status.out.find("schema_migrations"), std::string::npos);
}

TEST_F(CliTest, MigrateOnMissingDatabaseFailsWithOneLine) {
  const Outcome outcome = RunCairn({"migrate", "--db", (dir_ / "nope.db").string()});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("cairn init"), std::string::npos);
  EXPECT_EQ(outcome.err.find('\n'), outcome.err.size() - 1) << "expected one line: " << outcome.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nope.db"));
}

TEST_F(CliTest, TamperedMigrationChecksumIsReported) {
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE((*db)->Execute("UPDATE schema_migrations SET checksum = $1 WHERE version = 1", {std::string("0000")}).ok());
  }
  for (const char* command : {"migrate", "status"}) {
    const Outcome outcome = RunCairn({command, "--db", db_});
    EXPECT_EQ(outcome.code, 1) << command;
    EXPECT_NE(outcome.err.find("0001"), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find("changed"), std::string::npos) << outcome.err;
  }
}

TEST_F(CliTest, ChildShowPrintsTheChronologyAndAuditsTheRead) {
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Chronology chronology(model::Child{.la_child_id = "C42", .birth_date = Date::FromYmdOrDie(2012, 5, 1)});
    model::Event episode{.kind = model::EventKind::kCinEpisode, .start = Date::FromYmdOrDie(2024, 6, 3)};
    episode.Set("ReferralSource", "3A");
    const int32_t parent = chronology.Add(episode);
    chronology.Add({.kind = model::EventKind::kCpPlan, .start = Date::FromYmdOrDie(2024, 7, 1), .parent = parent});
    auto saved = store::SaveChronologies(**db, std::vector<model::Chronology>{chronology}, {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  const Outcome shown = RunCairn({"child", "show", "--db", db_, "C42"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Child C42"), std::string::npos);
  EXPECT_NE(shown.out.find("2012-05-01"), std::string::npos);
  EXPECT_NE(shown.out.find("ReferralSource 3A"), std::string::npos);
  EXPECT_NE(shown.out.find("      2024-07-01"), std::string::npos) << "the plan is indented under its episode\n" << shown.out;
  EXPECT_EQ(shown.out.find("  name "), std::string::npos) << "no name line for a child without names\n" << shown.out;

  const Outcome missing = RunCairn({"child", "show", "--db", db_, "nobody"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("nobody"), std::string::npos);

  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  auto count = (*db)->Prepare("SELECT COUNT(*) FROM audit_log WHERE action = 'read'");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*(*count)->Step());
  EXPECT_EQ((*count)->ColumnInt(0), 1);
}

TEST_F(CliTest, ChildShowPrintsTheNamesHeldAndNotIntoTheAudit) {
  ASSERT_EQ(RunCairn({"init", "--db", db_}).code, 0);
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok());
    model::Child named{.la_child_id = "C42", .birth_date = Date::FromYmdOrDie(2012, 5, 1)};
    named.given_name = "Zo\xC3\xAB";
    named.family_name = "O'Brien";
    named.preferred_name = "Zo";
    model::Child family_only{.la_child_id = "C43"};
    family_only.family_name = "Smith-Jones";
    auto saved = store::SaveChronologies(
        **db, std::vector<model::Chronology>{model::Chronology(named), model::Chronology(family_only)},
        {"test", "setup"});
    ASSERT_TRUE(saved.ok()) << saved.status().message();
  }
  const Outcome shown = RunCairn({"child", "show", "--db", db_, "C42"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Child C42\n  name Zo\xC3\xAB O'Brien, known as Zo\n"), std::string::npos) << shown.out;
  const Outcome family = RunCairn({"child", "show", "--db", db_, "C43"});
  ASSERT_EQ(family.code, 0) << family.err;
  EXPECT_NE(family.out.find("Child C43\n  name Smith-Jones\n"), std::string::npos) << family.out;

  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  auto audit = (*db)->Prepare("SELECT actor || ' ' || action || ' ' || detail FROM audit_log");
  ASSERT_TRUE(audit.ok());
  int rows = 0;
  while (*(*audit)->Step()) {
    ++rows;
    const std::string row((*audit)->ColumnText(0));
    EXPECT_EQ(row.find("O'Brien"), std::string::npos) << row;
    EXPECT_EQ(row.find("Smith-Jones"), std::string::npos) << row;
  }
  EXPECT_EQ(rows, 4) << "two children created, two read";
}

}  // namespace
}  // namespace cairn::cli
