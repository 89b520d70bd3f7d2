#include "reports/region_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

model::Chronology Child(const std::string& id, Date born) {
  return model::Chronology(model::Child{.la_child_id = id, .birth_date = born, .sex = "F", .ethnicity = "WBRI"});
}

TEST(RegionPoolTest, ActiveChildrenWithTheirStatusesAndNoIdentifier) {
  const std::string key(32, 'k');
  std::vector<model::Chronology> chronologies;
  model::Chronology looked_after = Child("LA-7", D(2012, 5, 1));
  looked_after.Add({.kind = model::EventKind::kCinEpisode, .start = D(2023, 1, 10)});
  looked_after.Add({.kind = model::EventKind::kLookedAfterEpisode, .start = D(2024, 6, 1), .end = D(2024, 9, 1)});
  looked_after.Add({.kind = model::EventKind::kLookedAfterEpisode, .start = D(2024, 9, 2)});
  chronologies.push_back(looked_after);
  model::Chronology closed_long_ago = Child("LA-1", D(2010, 1, 1));
  closed_long_ago.Add({.kind = model::EventKind::kCinEpisode, .start = D(2020, 1, 1), .end = D(2021, 1, 1)});
  chronologies.push_back(closed_long_ago);
  model::Chronology baby = Child("LA-3", D(2024, 12, 1));
  baby.Add({.kind = model::EventKind::kCinEpisode, .start = D(2025, 1, 5), .end = D(2025, 2, 1)});
  chronologies.push_back(baby);

  const auto pooled = PoolChildren("343", chronologies, D(2025, 3, 31), key);
  ASSERT_EQ(pooled.size(), 2u);  // the child whose case closed in 2021 is not active in the year
  EXPECT_EQ(pooled[0].la_child_id, "LA-3");
  EXPECT_EQ(pooled[0].age_band, "under 1");
  EXPECT_FALSE(pooled[0].child_in_need);  // closed before the date
  EXPECT_EQ(pooled[0].referrals_in_year, 1);
  EXPECT_EQ(pooled[1].age_band, "10-15");
  EXPECT_TRUE(pooled[1].child_in_need);
  EXPECT_TRUE(pooled[1].looked_after);
  EXPECT_FALSE(pooled[1].protection_plan);
  EXPECT_EQ(pooled[1].placements_in_year, 2);
  EXPECT_EQ(pooled[1].referrals_in_year, 0);

  // The pseudonym: the same for the same child and key, different across councils and keys, and
  // not the identifier.
  EXPECT_EQ(pooled[1].pseudonym, Pseudonym("343", "LA-7", key));
  EXPECT_EQ(pooled[1].pseudonym.size(), 32u);
  EXPECT_NE(Pseudonym("344", "LA-7", key), pooled[1].pseudonym);
  EXPECT_NE(Pseudonym("343", "LA-7", std::string(32, 'j')), pooled[1].pseudonym);

  auto csv = PooledChildrenCsv(pooled);
  ASSERT_TRUE(csv.ok());
  EXPECT_THAT(*csv, HasSubstr("pseudonym,council,age_band,sex,ethnicity,child_in_need,protection_plan,looked_after,"
                              "referrals_in_year,placements_in_year"));
  EXPECT_THAT(*csv, HasSubstr(pooled[1].pseudonym + ",343,10-15,F,WBRI,1,0,1,0,2"));
  EXPECT_THAT(*csv, Not(HasSubstr("LA-7")));
  EXPECT_THAT(*csv, Not(HasSubstr("2012")));
}

}  // namespace
}  // namespace cairn::reports
