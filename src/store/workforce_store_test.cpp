#include "store/workforce_store.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "store/migrations.h"

namespace cairn::store {
namespace {

class WorkforceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One file per test and process: CTest runs tests in parallel.
    path_ = (std::filesystem::temp_directory_path() /
             ("cairn_workforce_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
              std::to_string(::getpid()) + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto opened = Connection::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    db_ = std::move(opened).value();
    auto migrations = BuiltInMigrations();
    ASSERT_TRUE(migrations.ok() && Migrate(*db_, *migrations).ok());
  }
  void TearDown() override {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  std::string path_;
  std::unique_ptr<Connection> db_;
};

TEST_F(WorkforceStoreTest, RoundTripsAndUpdatesById) {
  const std::vector<model::Team> teams = {{"T1", "Assessment team 1", "assessment"}, {"T2", "Children in care", "children-in-care"}};
  std::vector<model::Worker> workers = {
      {"SW1", "Sam Example", "social-worker", "T1", true, Date::FromYmdOrDie(2023, 1, 9), std::nullopt},
      {"SW2", "", "team-manager", "T2", false, std::nullopt, Date::FromYmdOrDie(2024, 8, 30)}};
  ASSERT_TRUE(SaveWorkforce(*db_, teams, workers).ok());
  workers[0].left = Date::FromYmdOrDie(2024, 3, 1);
  ASSERT_TRUE(SaveWorkforce(*db_, {}, std::span(workers).first(1)).ok());

  auto loaded = LoadWorkforce(*db_);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->teams, teams);
  EXPECT_EQ(loaded->workers, workers);
}

TEST_F(WorkforceStoreTest, UnknownTeamIsRefused) {
  const std::vector<model::Worker> workers = {{"SW9", "", "social-worker", "NO-SUCH-TEAM", false, std::nullopt, std::nullopt}};
  const Status saved = SaveWorkforce(*db_, {}, workers);
  EXPECT_FALSE(saved.ok());
  EXPECT_NE(saved.message().find("SW9"), std::string::npos);
}

}  // namespace
}  // namespace cairn::store
