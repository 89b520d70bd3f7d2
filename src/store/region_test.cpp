// A region in one PostgreSQL database: each council in a schema of its own, named by council=NNN.
#include "store/region.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/audit.h"
#include "store/chronology_store.h"
#include "store/postgres/postgres_database.h"
#include "store/test_database.h"

namespace cairn::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(CouncilUrlTest, CouncilIsTakenOutOfTheUrlAndChecked) {
  auto taken = postgres::TakeCouncil("postgresql://cairn@/region?host=/tmp/pg&council=343&sslmode=disable");
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->council, "343");
  EXPECT_EQ(taken->url, "postgresql://cairn@/region?host=/tmp/pg&sslmode=disable");
  taken = postgres::TakeCouncil("postgresql://cairn@db/region?council=888");
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->url, "postgresql://cairn@db/region");
  taken = postgres::TakeCouncil("postgresql://cairn@db/region");
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->council, "");
  for (const char* bad : {"postgresql://db/r?council=34", "postgresql://db/r?council=3433", "postgresql://db/r?council=E08",
                          "postgresql://db/r?council=343;DROP", "postgresql://db/r?council="}) {
    auto refused = postgres::TakeCouncil(bad);
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
    EXPECT_THAT(refused.status().message(), HasSubstr("three-digit"));
  }
  EXPECT_EQ(postgres::CouncilSchema("343"), "la_343");
  auto twice = postgres::TakeCouncil("postgresql://db/r?council=343&council=344");
  ASSERT_FALSE(twice.ok());
  EXPECT_THAT(twice.status().message(), HasSubstr("twice"));
}

TEST(CouncilUrlTest, ACouncilsTargetIsTheRegionsUrlWithItsNumber) {
  EXPECT_EQ(*CouncilTarget("postgresql://cairn@/region?host=/tmp/pg", "343"),
            "postgresql://cairn@/region?host=/tmp/pg&council=343");
  EXPECT_EQ(*CouncilTarget("postgresql://cairn@db/region", "344"), "postgresql://cairn@db/region?council=344");
  EXPECT_EQ(CouncilTarget("cairn.db", "343").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CouncilTarget("postgresql://db/region?council=343", "344").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CouncilTarget("postgresql://db/region", "34x").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(CouncilTarget("postgresql://db/region", "343&options=-csearch_path%3Dla_344").status().code(),
            Status::Code::kInvalidArgument);
}

model::Chronology Child(const std::string& id, const std::string& sex) {
  model::Chronology chronology(model::Child{.la_child_id = id, .sex = sex});
  model::Event referral{.kind = model::EventKind::kCinEpisode, .start = Date::FromYmdOrDie(2024, 5, 1)};
  referral.provenance = {"cin-census", {2025}};
  chronology.Add(referral);
  return chronology;
}

// Two councils of one region hold a child with the same LA child id: each sees its own child and
// nothing of the other's, and each keeps an audit trail of its own.
TEST(RegionOnPostgres, EachCouncilSeesOnlyItsOwnRecords) {
  TestPostgresRegion region;
  ASSERT_FALSE(region.url().empty());
  auto migrations = BuiltInMigrations();
  ASSERT_TRUE(migrations.ok());
  std::vector<std::unique_ptr<Connection>> councils;
  for (const auto& [council, sex] : {std::pair{"343", "F"}, std::pair{"344", "M"}}) {
    auto target = CouncilTarget(region.url(), council);
    ASSERT_TRUE(target.ok()) << target.status().message();
    auto db = Connection::Open(*target);
    ASSERT_TRUE(db.ok()) << db.status().message();
    ASSERT_TRUE(Migrate(**db, *migrations).ok());
    auto transaction = Transaction::Begin(**db);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(SaveChronologies(**db, std::vector<model::Chronology>{Child("C001", sex)}, {"tester", "test"}).ok());
    ASSERT_TRUE(transaction->Commit().ok());
    councils.push_back(std::move(db).value());
  }
  for (size_t i = 0; i < councils.size(); ++i) {
    auto loaded = LoadAllChronologies(*councils[i]);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    ASSERT_EQ(loaded->size(), 1u);
    EXPECT_EQ((*loaded)[0].child().sex, i == 0 ? "F" : "M");
    auto verdict = VerifyAudit(*councils[i]);
    ASSERT_TRUE(verdict.ok());
    EXPECT_TRUE(verdict->intact) << verdict->problem;
    EXPECT_EQ(verdict->rows, 1);
  }
  // The region's own connection (no council) holds no council's tables.
  auto whole = Connection::OpenExisting(region.url());
  ASSERT_TRUE(whole.ok());
  auto held = CouncilsIn(**whole);
  ASSERT_TRUE(held.ok()) << held.status().message();
  EXPECT_THAT(*held, ElementsAre("343", "344"));
  EXPECT_FALSE(*(*whole)->TableExists("child"));

  // A council the region does not hold is not made by opening it to read.
  auto missing = Connection::OpenExisting(*CouncilTarget(region.url(), "345"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no council 345"));
  EXPECT_THAT(*CouncilsIn(**whole), ElementsAre("343", "344"));
}

TEST(RegionOnSqlite, ASqliteDatabaseIsOneCouncilNotARegion) {
  TestDatabase database("cairn_region_");
  auto db = database.Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(CouncilsIn(*db).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::store
