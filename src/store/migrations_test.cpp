#include "store/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

namespace cairn::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;

// A fresh folder per test, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("cairn_migrations_" + std::string(info->name()) + "_" + std::to_string(::getpid()) + "_" +
             std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

constexpr char kTeams[] = "CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT NOT NULL);";
constexpr char kWorkers[] =
    "CREATE TABLE worker (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES team(id));\n"
    "CREATE INDEX worker_team ON worker (team_id);";

std::vector<Migration> Load(const std::vector<embedded::Resource>& resources) {
  auto migrations = LoadMigrations(resources);
  EXPECT_TRUE(migrations.ok()) << migrations.status().ToString();
  return migrations.ok() ? *migrations : std::vector<Migration>{};
}

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("cairn.db");
    auto db = Connection::Open(path_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
  }

  int64_t QueryInt(const std::string& sql) {
    auto stmt = db_->Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) return -1;
    auto has_row = (*stmt)->Step();
    EXPECT_TRUE(has_row.ok() && *has_row) << sql;
    return (*stmt)->ColumnInt(0);
  }
  bool HasTable(const std::string& name) { return db_->TableExists(name).value_or(false); }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Connection> db_;
  const std::vector<Migration> two_ = Load({{"0001_teams.sql", kTeams}, {"0002_workers.sql", kWorkers}});
};

TEST(LoadMigrationsTest, SortsByVersionAndChecksumsTheText) {
  auto migrations = LoadMigrations({{"0010_later.sql", "abc"}, {"0002_first.sql", ""}, {"3_bare_number.sql", "x"}});
  ASSERT_TRUE(migrations.ok()) << migrations.status().ToString();
  ASSERT_EQ(migrations->size(), 3u);
  EXPECT_EQ((*migrations)[0].version, 2);
  EXPECT_EQ((*migrations)[0].name, "0002_first.sql");
  EXPECT_EQ((*migrations)[0].checksum, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ((*migrations)[1].version, 3);
  EXPECT_EQ((*migrations)[2].version, 10);
  EXPECT_EQ((*migrations)[2].sql, "abc");
  EXPECT_EQ((*migrations)[2].checksum, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(LoadMigrationsTest, RefusesBadFileNamesNamingTheFile) {
  for (const char* name : {"initial.sql", "_0001.sql", "0001.sql", "0001_.sql", "0001_initial.txt", "0001initial.sql",
                           "0000_zero.sql", "99999999999999_huge.sql"}) {
    auto migrations = LoadMigrations({{"0001_fine.sql", ""}, {name, "SELECT 1;"}});
    ASSERT_FALSE(migrations.ok()) << name;
    EXPECT_EQ(migrations.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(migrations.status().message(), HasSubstr("migration file " + std::string(name)));
  }
}

TEST(LoadMigrationsTest, RefusesARepeatedVersionNamingBothFiles) {
  auto migrations = LoadMigrations({{"0002_a.sql", ""}, {"0001_x.sql", ""}, {"2_b.sql", ""}});
  ASSERT_FALSE(migrations.ok());
  EXPECT_EQ(migrations.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(migrations.status().message(), HasSubstr("0002_a.sql and 2_b.sql both have version 2"));
}

TEST_F(MigrationsTest, FreshDatabaseGetsEveryMigration) {
  auto report = Migrate(*db_, two_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_THAT(report->applied, ElementsAre("0001_teams.sql", "0002_workers.sql"));
  EXPECT_TRUE(report->already_applied.empty());
  EXPECT_TRUE(report->pending.empty());
  EXPECT_EQ(report->schema_version, 2);
  EXPECT_TRUE(HasTable("team"));
  EXPECT_TRUE(HasTable("worker"));

  auto rows = db_->Prepare("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(rows.ok());
  for (const Migration& migration : two_) {
    auto has_row = (*rows)->Step();
    ASSERT_TRUE(has_row.ok() && *has_row);
    EXPECT_EQ((*rows)->ColumnInt(0), migration.version);
    EXPECT_EQ((*rows)->ColumnText(1), migration.name);
    EXPECT_EQ((*rows)->ColumnText(2), migration.checksum);
    EXPECT_THAT(std::string((*rows)->ColumnText(3)),
                MatchesRegex("20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z"));
  }
  EXPECT_FALSE((*rows)->Step().value_or(true));
}

TEST_F(MigrationsTest, SecondRunIsANoOp) {
  ASSERT_TRUE(Migrate(*db_, two_).ok());
  db_.reset();
  auto reopened = Connection::OpenExisting(path_);
  ASSERT_TRUE(reopened.ok());
  db_ = std::move(reopened).value();

  auto report = Migrate(*db_, two_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->applied.empty());
  EXPECT_THAT(report->already_applied, ElementsAre("0001_teams.sql", "0002_workers.sql"));
  EXPECT_EQ(report->schema_version, 2);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM schema_migrations"), 2);
}

TEST_F(MigrationsTest, ANewMigrationIsAppliedOnItsOwn) {
  ASSERT_TRUE(Migrate(*db_, {two_[0]}).ok());
  EXPECT_FALSE(HasTable("worker"));
  auto report = Migrate(*db_, two_);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_THAT(report->applied, ElementsAre("0002_workers.sql"));
  EXPECT_THAT(report->already_applied, ElementsAre("0001_teams.sql"));
  EXPECT_EQ(report->schema_version, 2);
  EXPECT_TRUE(HasTable("worker"));
}

TEST_F(MigrationsTest, CheckMigrationsAppliesNothing) {
  auto fresh = CheckMigrations(*db_, two_);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_TRUE(fresh->applied.empty());
  EXPECT_TRUE(fresh->already_applied.empty());
  EXPECT_THAT(fresh->pending, ElementsAre("0001_teams.sql", "0002_workers.sql"));
  EXPECT_EQ(fresh->schema_version, 0);
  EXPECT_FALSE(HasTable("schema_migrations")) << "a check must not write to the database";
  EXPECT_FALSE(HasTable("team"));

  ASSERT_TRUE(Migrate(*db_, {two_[0]}).ok());
  auto partway = CheckMigrations(*db_, two_);
  ASSERT_TRUE(partway.ok());
  EXPECT_THAT(partway->already_applied, ElementsAre("0001_teams.sql"));
  EXPECT_THAT(partway->pending, ElementsAre("0002_workers.sql"));
  EXPECT_EQ(partway->schema_version, 1);
  EXPECT_FALSE(HasTable("worker"));
}

TEST_F(MigrationsTest, ATamperedRecordedChecksumIsDataLoss) {
  ASSERT_TRUE(Migrate(*db_, two_).ok());
  ASSERT_TRUE(db_->Execute("UPDATE schema_migrations SET checksum = $1 WHERE version = 1",
                           {std::string("abcd1234ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")})
                  .ok());
  const std::string expected = "migration 0001_teams.sql was changed after it was applied to this database "
                               "(recorded checksum abcd1234…, this Cairn has " +
                               two_[0].checksum.substr(0, 8) +
                               "…); restore the original file or rebuild the database";
  for (auto report : {Migrate(*db_, two_), CheckMigrations(*db_, two_)}) {
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), Status::Code::kDataLoss);
    EXPECT_EQ(report.status().message(), expected);
  }
}

TEST_F(MigrationsTest, AChangedMigrationTextIsDetectedAndNothingMoreIsApplied) {
  ASSERT_TRUE(Migrate(*db_, {two_[0]}).ok());
  const std::vector<Migration> edited =
      Load({{"0001_teams.sql", "CREATE TABLE team (id INTEGER PRIMARY KEY, name TEXT);"},
            {"0002_workers.sql", kWorkers}});
  auto report = Migrate(*db_, edited);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kDataLoss);
  EXPECT_THAT(report.status().message(), HasSubstr("migration 0001_teams.sql was changed after it was applied"));
  EXPECT_FALSE(HasTable("worker")) << "checks come before any migration is applied";
}

TEST_F(MigrationsTest, AnUnknownRecordedVersionIsRefused) {
  ASSERT_TRUE(Migrate(*db_, two_).ok());
  ASSERT_TRUE(db_->Execute("INSERT INTO schema_migrations VALUES (9999, '9999_future.sql', 'ab', '2030-01-01T00:00:00Z')")
                  .ok());
  for (auto report : {Migrate(*db_, two_), CheckMigrations(*db_, two_)}) {
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.status().code(), Status::Code::kFailedPrecondition);
    EXPECT_THAT(report.status().message(), HasSubstr("this database was migrated by a newer Cairn (version 9999"));
  }
}

TEST_F(MigrationsTest, AGapInTheBinarysMigrationsIsRefusedToo) {
  const std::vector<Migration> with_middle =
      Load({{"0001_teams.sql", kTeams}, {"0002_middle.sql", "CREATE TABLE middle (x INTEGER);"},
            {"0003_workers.sql", kWorkers}});
  ASSERT_TRUE(Migrate(*db_, with_middle).ok());
  const std::vector<Migration> without_middle = Load({{"0001_teams.sql", kTeams}, {"0003_workers.sql", kWorkers}});
  auto report = Migrate(*db_, without_middle);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(report.status().message(), HasSubstr("0002_middle.sql, which this Cairn does not have"));
}

TEST_F(MigrationsTest, AFailingMigrationLeavesNothingOfItselfBehind) {
  const std::vector<Migration> broken =
      Load({{"0001_teams.sql", kTeams},
            {"0002_bad.sql", "CREATE TABLE widget (id INTEGER);\nINSERT INTO no_such_table VALUES (1);"}});
  auto report = Migrate(*db_, broken);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("applying migration 0002_bad.sql"));
  EXPECT_THAT(report.status().message(), HasSubstr("no such table: no_such_table"));
  EXPECT_TRUE(HasTable("team")) << "the migration before the broken one stays applied";
  EXPECT_FALSE(HasTable("widget")) << "the broken migration's first statement was rolled back";
  EXPECT_EQ(QueryInt("SELECT count(*) FROM schema_migrations"), 1);
  EXPECT_EQ(QueryInt("SELECT count(*) FROM schema_migrations WHERE version = 2"), 0);

  // Once fixed, it applies.
  const std::vector<Migration> fixed =
      Load({{"0001_teams.sql", kTeams}, {"0002_bad.sql", "CREATE TABLE widget (id INTEGER);"}});
  auto retry = Migrate(*db_, fixed);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_THAT(retry->applied, ElementsAre("0002_bad.sql"));
  EXPECT_TRUE(HasTable("widget"));
}

TEST_F(MigrationsTest, MigrationsOutOfOrderAreRefused) {
  const std::vector<Migration> reversed = {two_[1], two_[0]};
  auto report = Migrate(*db_, reversed);
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(HasTable("schema_migrations"));
}

TEST_F(MigrationsTest, BuiltInMigrationsApplyCleanly) {
  auto built_in = BuiltInMigrations();
  ASSERT_TRUE(built_in.ok()) << built_in.status().ToString();
  ASSERT_FALSE(built_in->empty());
  EXPECT_EQ(built_in->front().name, "0001_initial.sql");
  EXPECT_EQ(built_in->front().version, 1);

  auto report = Migrate(*db_, *built_in);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->applied.size(), built_in->size());
  EXPECT_EQ(report->schema_version, built_in->back().version);

  ASSERT_TRUE(db_->Execute("INSERT INTO setting (key, value, updated_at) VALUES ($1, $2, $3)",
                           {std::string("council_name"), std::string("Anyshire"), std::string("2024-04-01T09:30:00Z")})
                  .ok());
  EXPECT_EQ(db_->Execute("INSERT INTO setting (key, value, updated_at) VALUES ('council_name', 'Again', 'now')").code(),
            Status::Code::kAlreadyExists);
  EXPECT_EQ(db_->Execute("INSERT INTO setting (key, value, updated_at) VALUES ('x', NULL, 'now')").code(),
            Status::Code::kFailedPrecondition);

  auto again = Migrate(*db_, *built_in);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->already_applied.size(), built_in->size());
}

// Migration 6 gives each revision row written before it the child of its event, so a child's
// history read by child (ChildEventHistory) still finds rows from before the upgrade.
TEST_F(MigrationsTest, RevisionsWrittenBeforeTheChildColumnGetTheirEventsChild) {
  auto built_in = BuiltInMigrations();
  ASSERT_TRUE(built_in.ok()) << built_in.status().ToString();
  std::vector<Migration> before;
  for (const Migration& migration : *built_in) {
    if (migration.version < 6) before.push_back(migration);
  }
  ASSERT_EQ(before.size(), 5u);
  ASSERT_TRUE(Migrate(*db_, before).ok());
  ASSERT_TRUE(db_->ExecuteScript(
                     "INSERT INTO child (id, la_child_id, created_at, updated_at) VALUES (7, 'C7', 'now', 'now');"
                     "INSERT INTO event (id, child_id, kind, start_date, natural_key, fields, source, created_at, "
                     "updated_at) VALUES (70, 7, 'cin-episode', '2024-01-02', 'k', '{}', 'cairn', 'now', 'now');"
                     "INSERT INTO event_revision (event_id, revision, action, recorded_at, recorded_by, reason, "
                     "previous) VALUES (70, 1, 'amended', 'now', 'someone', 'why', '{}');")
                  .ok());
  ASSERT_TRUE(Migrate(*db_, *built_in).ok());
  EXPECT_EQ(QueryInt("SELECT child_id FROM event_revision WHERE event_id = 70"), 7);
}

}  // namespace
}  // namespace cairn::store
