#include "web/council.h"

#include <gtest/gtest.h>

#include <set>

namespace cairn::web {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

model::Chronology Referred(std::string id, Date on) {
  model::Chronology chronology(model::Child{.la_child_id = std::move(id)});
  chronology.Add(model::Event{.kind = model::EventKind::kCinEpisode, .start = on});
  return chronology;
}

// The pages keep figures worked out from a council under its generation. Two councils, or one
// built again (at the same address or another), must never share one, or a cache would hand one
// council's figures to another.
TEST(CouncilTest, EveryStateHasAGenerationNoOtherHasHad) {
  auto calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok());
  auto rules = timescales::RuleSet::England(*calendar);
  ASSERT_TRUE(rules.ok());
  auto evaluator = timescales::Evaluator::Create(*std::move(rules), *calendar);
  ASSERT_TRUE(evaluator.ok());

  std::set<uint64_t> seen;
  Council first;
  first.Build(*evaluator, {Referred("C1", D(2024, 1, 1))}, {}, D(2024, 6, 30), 1);
  EXPECT_TRUE(seen.insert(first.generation()).second);
  first.Update(Referred("C2", D(2024, 2, 1)));
  EXPECT_TRUE(seen.insert(first.generation()).second);
  first.EvaluateAt(D(2024, 7, 1), 1);
  EXPECT_TRUE(seen.insert(first.generation()).second);
  // The same council built again, from the same record, in the same place.
  first.Build(*evaluator, {Referred("C1", D(2024, 1, 1))}, {}, D(2024, 6, 30), 1);
  EXPECT_TRUE(seen.insert(first.generation()).second);
  Council second;
  second.Build(*evaluator, {Referred("C1", D(2024, 1, 1))}, {}, D(2024, 6, 30), 1);
  EXPECT_TRUE(seen.insert(second.generation()).second);
}

}  // namespace
}  // namespace cairn::web
