#include "store/workforce_store.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "store/migrations.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

class WorkforceStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = database_.Open();
    ASSERT_NE(db_, nullptr);
  }
  void TearDown() override { db_.reset(); }
  TestDatabase database_{"cairn_workforce_", GetParam()};
  std::unique_ptr<Connection> db_;
};

TEST_P(WorkforceStoreTest, RoundTripsAndUpdatesById) {
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

TEST_P(WorkforceStoreTest, UnknownTeamIsRefused) {
  const std::vector<model::Worker> workers = {{"SW9", "", "social-worker", "NO-SUCH-TEAM", false, std::nullopt, std::nullopt}};
  const Status saved = SaveWorkforce(*db_, {}, workers);
  EXPECT_FALSE(saved.ok());
  EXPECT_NE(saved.message().find("SW9"), std::string::npos);
}

CAIRN_TEST_ON_BOTH_BACKENDS(WorkforceStoreTest);

}  // namespace
}  // namespace cairn::store
