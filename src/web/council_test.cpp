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

// A worker's week looks only at the children the council says hold their directions: the
// index must follow every change (a direction added, given to someone else, or withdrawn).
TEST(CouncilTest, KnowsWhichChildrenHoldEachWorkersDirections) {
  auto calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok());
  auto rules = timescales::RuleSet::England(*calendar);
  ASSERT_TRUE(rules.ok());
  auto evaluator = timescales::Evaluator::Create(*std::move(rules), *calendar);
  ASSERT_TRUE(evaluator.ok());
  auto directed = [](std::string id, std::vector<std::string> owners) {
    model::Chronology chronology = Referred(std::move(id), D(2024, 1, 1));
    const int32_t oversight = chronology.Add(model::Event{.kind = model::EventKind::kOversight, .start = D(2024, 2, 1)});
    for (std::string& owner : owners) {
      model::Event direction{.kind = model::EventKind::kDirection, .start = D(2024, 2, 1), .parent = oversight};
      direction.Set("owner", std::move(owner));
      direction.Set("due_date", "2024-03-01");
      chronology.Add(std::move(direction));
    }
    return chronology;
  };
  auto children_of = [](const Council& council, std::string_view worker) {
    std::vector<size_t> children;
    for (size_t index : council.ChildrenWithDirectionsFor(worker)) children.push_back(index);
    return children;
  };
  Council council;
  council.Build(*evaluator, {directed("C1", {"SW1", "SW1"}), directed("C2", {"SW2"}), Referred("C3", D(2024, 1, 1))},
                {}, D(2024, 6, 30), 1);
  EXPECT_EQ(children_of(council, "SW1"), std::vector<size_t>{0}) << "two directions, one child";
  EXPECT_EQ(children_of(council, "SW2"), std::vector<size_t>{1});
  EXPECT_TRUE(children_of(council, "SW9").empty());

  council.Update(directed("C3", {"SW1"}));
  EXPECT_EQ(children_of(council, "SW1"), (std::vector<size_t>{0, 2}));
  council.Update(directed("C1", {"SW2"}));  // given to someone else
  EXPECT_EQ(children_of(council, "SW1"), std::vector<size_t>{2});
  EXPECT_EQ(children_of(council, "SW2"), (std::vector<size_t>{0, 1}));
  council.Update(Referred("C2", D(2024, 1, 1)));  // withdrawn
  EXPECT_EQ(children_of(council, "SW2"), std::vector<size_t>{0});
}

}  // namespace
}  // namespace cairn::web
