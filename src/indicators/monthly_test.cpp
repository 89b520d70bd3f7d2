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
