#include "indicators/monthly.h"

#include <gtest/gtest.h>

#include "base/working_day_calendar.h"

namespace cairn::indicators {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

model::Event Event(model::EventKind kind, Date start, std::optional<Date> end = std::nullopt) {
  model::Event event;
  event.kind = kind;
  event.start = start;
  event.end = end;
  return event;
}

model::Event Allocation(std::string worker, Date start) {
  model::Event event = Event(model::EventKind::kSocialWorkerAllocation, start);
  event.Set("SW_ID", std::move(worker));
  return event;
}

const MonthlySeries& Find(const std::vector<MonthlySeries>& all, std::string_view id) {
  for (const MonthlySeries& series : all) {
    if (series.id == id) return series;
  }
  ADD_FAILURE() << "no series " << id;
  static const MonthlySeries none;
  return none;
}

std::vector<std::optional<double>> Values(const MonthlySeries& series) {
  std::vector<std::optional<double>> values;
  for (const MonthlyPoint& point : series.points) values.push_back(point.value);
  return values;
}

TEST(MonthlyTest, CountsEachMonthFromTheChronologyAndTheDeadlines) {
  auto calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok());
  auto rules = timescales::RuleSet::England(*calendar);
  ASSERT_TRUE(rules.ok());
  const uint16_t assessment = static_cast<uint16_t>(*rules->FindRule("referral.assessment-45wd"));

  std::vector<model::Chronology> children(3);
  children[0] = model::Chronology(model::Child{.la_child_id = "A"});
  children[0].Add(Event(model::EventKind::kCinEpisode, D(2024, 1, 10)));
  children[0].Add(Event(model::EventKind::kCpPlan, D(2024, 2, 1)));
  children[0].Add(Allocation("SW1", D(2024, 1, 10)));
  children[1] = model::Chronology(model::Child{.la_child_id = "B"});
  children[1].Add(Event(model::EventKind::kCinEpisode, D(2024, 3, 5), D(2024, 3, 20)));
  children[1].Add(Event(model::EventKind::kLookedAfterEpisode, D(2024, 4, 1), D(2024, 5, 15)));
  children[1].Add(Event(model::EventKind::kCinEpisode, D(2024, 6, 1)));
  children[1].Add(Allocation("SW1", D(2024, 3, 5)));
  // Out of scope: counted nowhere.
  children[2] = model::Chronology(model::Child{.la_child_id = "C"});
  children[2].Add(Event(model::EventKind::kCpPlan, D(2024, 1, 1)));

  std::vector<timescales::ChildEvaluation> results(3);
  auto obligation = [&](Date due, timescales::ObligationStatus status) {
    timescales::Obligation o;
    o.rule = assessment;
    o.due = due;
    o.status = status;
    return o;
  };
  results[0].obligations = {obligation(D(2024, 2, 20), timescales::ObligationStatus::kMet),
                            obligation(D(2024, 2, 25), timescales::ObligationStatus::kMetLate),
                            obligation(D(2024, 3, 10), timescales::ObligationStatus::kOverdue),
                            obligation(D(2024, 3, 12), timescales::ObligationStatus::kUnknown),
                            obligation(D(2024, 7, 12), timescales::ObligationStatus::kDue)};
  results[2].obligations = {obligation(D(2024, 2, 1), timescales::ObligationStatus::kOverdue)};

  const std::vector<model::Worker> workers = {{"SW1", "", "social-worker", "T1", false, {}, {}},
                                              {"SW2", "", "social-worker", "T1", true, {}, {}},
                                              {"SW3", "", "social-worker", "T1", true, {}, D(2024, 3, 1)}};
  MonthlyInput input{children, [&](size_t i) -> const timescales::ChildEvaluation& { return results[i]; }, {0, 1},
                     workers, &*rules, D(2024, 6, 30), 6};
  const std::vector<MonthlySeries> all = ComputeMonthly(input);

  using V = std::vector<std::optional<double>>;
  const std::nullopt_t no = std::nullopt;
  ASSERT_EQ(Find(all, "cp-plans").points.size(), 6u);
  EXPECT_EQ(Find(all, "cp-plans").points.front().month_end, D(2024, 1, 31));
  EXPECT_EQ(Values(Find(all, "cp-plans")), (V{0, 1, 1, 1, 1, 1}));
  EXPECT_EQ(Values(Find(all, "cla")), (V{0, 0, 0, 1, 0, 0}));
  // Of the plans open, the share open 2 years or more: none yet.
  EXPECT_EQ(Values(Find(all, "cp-plans-2y")), (V{no, 0, 0, 0, 0, 0}));
  EXPECT_EQ(Find(all, "cp-plans-2y").comparable, "cp-2-years-or-more");
  // No population: no rates.
  for (const MonthlySeries& series : all) EXPECT_NE(series.id, "cp-rate");
  EXPECT_EQ(Values(Find(all, "referrals")), (V{1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(Values(Find(all, "re-referrals")), (V{0, no, 0, no, no, 100}));
  EXPECT_EQ(Values(Find(all, "assessments-45wd")), (V{no, 50, 0, no, no, no}));
  EXPECT_EQ(Values(Find(all, "caseload")), (V{1, 1, 2, 2, 2, 2}));
  // SW3 left on 1 March: in post at the end of January and February only.
  EXPECT_NEAR(*Find(all, "agency-share").points[0].value, 200.0 / 3, 1e-9);
  EXPECT_EQ(*Find(all, "agency-share").points[2].value, 50);
  // SW3 left on 1 March: one leaver in the 12 months to March's end and after, of two in post.
  EXPECT_EQ(Values(Find(all, "turnover")), (V{0, 0, 50, 50, 50, 50}));
  // B was in care at April's end after one placement.
  EXPECT_EQ(Values(Find(all, "cla-3-placements")), (V{no, no, no, 0, no, no}));

  // With the population: rates per 10,000.
  input.population = 2000;
  const std::vector<MonthlySeries> with_rates = ComputeMonthly(input);
  EXPECT_EQ(Values(Find(with_rates, "cp-rate")), (V{0, 5, 5, 5, 5, 5}));
  EXPECT_EQ(Values(Find(with_rates, "cla-rate")), (V{0, 0, 0, 5, 0, 0}));
  EXPECT_EQ(Find(with_rates, "cla-rate").comparable, "cla-31-march-rate");
}

TEST(MonthlyTest, MonthsBeforeTheFirstEventAreLeftOut) {
  auto calendar = WorkingDayCalendar::EnglandAndWales();
  auto rules = timescales::RuleSet::England(*calendar);
  ASSERT_TRUE(rules.ok());
  std::vector<model::Chronology> children(1);
  children[0] = model::Chronology(model::Child{.la_child_id = "A"});
  children[0].Add(Event(model::EventKind::kCinEpisode, D(2024, 5, 2)));
  std::vector<timescales::ChildEvaluation> results(1);
  MonthlyInput input{children, [&](size_t i) -> const timescales::ChildEvaluation& { return results[i]; }, {0}, {},
                     &*rules, D(2024, 6, 10), 60};
  const std::vector<MonthlySeries> all = ComputeMonthly(input);
  ASSERT_EQ(Find(all, "referrals").points.size(), 2u);
  EXPECT_EQ(Find(all, "referrals").points[1].month_end, D(2024, 6, 10));  // the month to date
}

}  // namespace
}  // namespace cairn::indicators

namespace cairn::indicators {
namespace {

TEST(MonthlyTest, ThreePlacementsInTwelveMonthsCountWhileTheyAreInThatWindow) {
  auto calendar = WorkingDayCalendar::EnglandAndWales();
  auto rules = timescales::RuleSet::England(*calendar);
  ASSERT_TRUE(rules.ok());
  std::vector<model::Chronology> children(2);
  children[0] = model::Chronology(model::Child{.la_child_id = "A"});
  children[0].Add(Event(model::EventKind::kLookedAfterEpisode, D(2023, 2, 1), D(2023, 3, 10)));
  children[0].Add(Event(model::EventKind::kLookedAfterEpisode, D(2023, 3, 10), D(2023, 5, 2)));
  children[0].Add(Event(model::EventKind::kLookedAfterEpisode, D(2023, 5, 2)));
  children[1] = model::Chronology(model::Child{.la_child_id = "B"});
  children[1].Add(Event(model::EventKind::kLookedAfterEpisode, D(2023, 1, 20)));
  std::vector<timescales::ChildEvaluation> results(2);
  MonthlyInput input{children, [&](size_t i) -> const timescales::ChildEvaluation& { return results[i]; }, {0, 1}, {},
                     &*rules, D(2024, 3, 31), 15};
  const std::vector<MonthlySeries> all = ComputeMonthly(input);
  const MonthlySeries& moves = Find(all, "cla-3-placements");
  ASSERT_EQ(moves.points.size(), 15u);  // January 2023 to March 2024
  auto at = [&](Date end) -> std::optional<double> {
    for (const MonthlyPoint& point : moves.points) {
      if (point.month_end == end) return point.value;
    }
    return std::nullopt;
  };
  EXPECT_EQ(at(D(2023, 4, 30)), 0);    // A's second placement: two so far
  EXPECT_EQ(at(D(2023, 5, 31)), 50);   // A's third, within 12 months of the first; B has one
  EXPECT_EQ(at(D(2024, 1, 31)), 50);   // the first placement (1 February 2023) is still within 12 months
  EXPECT_EQ(at(D(2024, 2, 29)), 0);    // now it is not
  EXPECT_EQ(Find(all, "cla").points.back().value, 2);
}

}  // namespace
}  // namespace cairn::indicators
