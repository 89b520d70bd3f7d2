#include "improvement/rag.h"

#include <gtest/gtest.h>

namespace cairn::improvement {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

Measure Rising() {
  Measure m;
  m.id = "M1";
  m.indicator = "assessments-within-45-days";
  m.unit = "percent";
  m.target = 90;
  m.tolerance = 5;
  m.higher_is_better = true;
  m.trajectory = {{D(2024, 1, 1), 50}, {D(2024, 1, 11), 70}, {D(2024, 12, 31), 80}};
  return m;
}

TEST(ExpectedValue, InterpolatesBetweenPointsAndHoldsAtTheEnds) {
  const Measure m = Rising();
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2023, 6, 1)), 50) << "before the first point: the first point";
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2024, 1, 1)), 50);
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2024, 1, 6)), 60) << "half way from 50 to 70";
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2024, 1, 8)), 64);
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2024, 1, 11)), 70);
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2024, 12, 31)), 80) << "on the last point: its value";
  EXPECT_DOUBLE_EQ(ExpectedValue(m, D(2025, 1, 1)), 90) << "after the last point: the target";
  Measure flat = m;
  flat.trajectory.clear();
  EXPECT_DOUBLE_EQ(ExpectedValue(flat, D(2024, 6, 1)), 90) << "no trajectory: the target all along";
}

TEST(RateAgainst, HigherIsBetter) {
  EXPECT_EQ(RateAgainst(70, 70, 5, true), Rag::kGreen);
  EXPECT_EQ(RateAgainst(75, 70, 5, true), Rag::kGreen);
  EXPECT_EQ(RateAgainst(69.9, 70, 5, true), Rag::kAmber);
  EXPECT_EQ(RateAgainst(65, 70, 5, true), Rag::kAmber) << "exactly the tolerance short is still amber";
  EXPECT_EQ(RateAgainst(64.9, 70, 5, true), Rag::kRed);
  EXPECT_EQ(RateAgainst(100.0 * 17 / 20, 85, 0, true), Rag::kGreen) << "rounding is not a shortfall";
}

TEST(RateAgainst, LowerIsBetter) {
  EXPECT_EQ(RateAgainst(20, 20, 2, false), Rag::kGreen);
  EXPECT_EQ(RateAgainst(10, 20, 2, false), Rag::kGreen);
  EXPECT_EQ(RateAgainst(21, 20, 2, false), Rag::kAmber);
  EXPECT_EQ(RateAgainst(22, 20, 2, false), Rag::kAmber);
  EXPECT_EQ(RateAgainst(22.5, 20, 2, false), Rag::kRed);
}

TEST(Worse, RedOverAmberOverGreenOverNotMeasured) {
  EXPECT_EQ(Worse(Rag::kGreen, Rag::kRed), Rag::kRed);
  EXPECT_EQ(Worse(Rag::kAmber, Rag::kGreen), Rag::kAmber);
  EXPECT_EQ(Worse(Rag::kNotMeasured, Rag::kGreen), Rag::kGreen);
  EXPECT_EQ(Worse(Rag::kNotMeasured, Rag::kNotMeasured), Rag::kNotMeasured);
}

Plan TwoMeasurePlan() {
  Plan plan;
  plan.title = "Plan";
  Recommendation r;
  r.id = "R1";
  r.text = "Assessments should be timely.";
  r.measures.push_back(Rising());
  Measure lower;
  lower.id = "M2";
  lower.indicator = "re-referrals-12-months";
  lower.unit = "percent";
  lower.target = 20;
  lower.tolerance = 2;
  lower.higher_is_better = false;
  lower.trajectory = {{D(2024, 1, 1), 25}, {D(2025, 1, 1), 20}};
  r.measures.push_back(lower);
  Action named;
  named.id = "A1";
  named.status = SelfReported::kComplete;
  named.measures = {"M1"};
  named.notes = {{D(2023, 12, 1), "early"}, {D(2024, 9, 1), "later"}};
  Action all;
  all.id = "A2";
  all.status = SelfReported::kAtRisk;
  r.actions = {named, all};
  plan.recommendations.push_back(r);
  return plan;
}

TEST(EvaluatePlan, RatesMeasuresActionsAndTheRecommendation) {
  const Plan plan = TwoMeasurePlan();
  // On 6 January 2024 M1 expects 60 and M2 expects about 24.9.
  Measurements measured;
  measured["M1"] = {62.0, 31, 50, ""};
  measured["M2"] = {30.0, 30, 100, ""};
  PlanStatus status = EvaluatePlan(plan, measured, D(2024, 1, 6));
  const RecommendationStatus& r = status.recommendations[0];
  EXPECT_EQ(r.measures[0].rag, Rag::kGreen);
  EXPECT_DOUBLE_EQ(r.measures[0].expected, 60);
  EXPECT_EQ(r.measures[1].rag, Rag::kRed) << "30% against about 24.9% expected, lower being better";
  EXPECT_EQ(r.actions[0].rag, Rag::kGreen) << "A1 names only M1";
  EXPECT_FALSE(r.actions[0].mismatch);
  EXPECT_EQ(r.actions[0].notes.size(), 1u) << "notes after the as-at date are not shown";
  EXPECT_EQ(r.actions[1].rag, Rag::kRed) << "A2 names none, so all of R1's";
  EXPECT_EQ(r.actions[1].worst_measure, "M2");
  EXPECT_FALSE(r.actions[1].mismatch) << "at risk says as much";
  EXPECT_EQ(r.rag, Rag::kRed);
  EXPECT_EQ(status.green, 1);
  EXPECT_EQ(status.red, 1);

  // M1 falls behind: A1 says complete while its measure is off trajectory.
  measured["M1"] = {50.0, 25, 50, ""};
  status = EvaluatePlan(plan, measured, D(2024, 1, 6));
  const ActionStatus& a1 = status.recommendations[0].actions[0];
  EXPECT_EQ(a1.rag, Rag::kRed);
  EXPECT_TRUE(a1.mismatch);
  EXPECT_EQ(a1.mismatch_reason, "reported complete but measure M1 is off trajectory: 50.0% against 60.0% expected by "
                                "2024-01-06");
  EXPECT_EQ(status.mismatches, 1);
}

TEST(EvaluatePlan, NoValueIsNotMeasuredAndSaysWhy) {
  const Plan plan = TwoMeasurePlan();
  Measurements measured;
  measured["M1"] = {std::nullopt, std::nullopt, std::nullopt, "no deadline fell due"};
  const PlanStatus status = EvaluatePlan(plan, measured, D(2024, 1, 6));
  const RecommendationStatus& r = status.recommendations[0];
  EXPECT_EQ(r.measures[0].rag, Rag::kNotMeasured);
  EXPECT_EQ(r.measures[0].why, "no deadline fell due");
  EXPECT_EQ(r.measures[1].rag, Rag::kNotMeasured);
  EXPECT_EQ(r.measures[1].why, "not measured");
  EXPECT_EQ(r.actions[0].rag, Rag::kNotMeasured);
  EXPECT_FALSE(r.actions[0].mismatch) << "nothing measured cannot contradict anyone";
  EXPECT_EQ(status.not_measured, 2);
}

}  // namespace
}  // namespace cairn::improvement
