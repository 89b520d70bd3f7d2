#include "improvement/plan.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace cairn::improvement {
namespace {

class PlanParse : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<indicators::Catalogue> catalogue = indicators::Catalogue::England();
    ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
    catalogue_.emplace(*std::move(catalogue));
    Result<timescales::RuleSet> rules = timescales::RuleSet::England();
    ASSERT_TRUE(rules.ok()) << rules.status().message();
    rules_.emplace(*std::move(rules));
  }
  Result<Plan> Parse(const std::string& text) { return ParsePlan(text, "plan.toml", *catalogue_, *rules_); }
  std::string Error(const std::string& text) {
    Result<Plan> plan = Parse(text);
    EXPECT_FALSE(plan.ok());
    return plan.ok() ? "" : plan.status().message();
  }

  std::optional<indicators::Catalogue> catalogue_;
  std::optional<timescales::RuleSet> rules_;
};

// A sound plan; each test below breaks one thing in it.
const std::string kPlan = R"(title = "Improvement plan"
[[recommendation]]
id = "R1"
text = "Leaders should ensure that assessments are timely."
  [[recommendation.measure]]
  id = "R1.M1"
  indicator = "assessments-within-45-days"
  target = 85
  trajectory = [{ date = 2024-09-30, value = 60.0 }, { date = "2025-03-31", value = 75 }]
  [[recommendation.measure]]
  id = "R1.M2"
  rule = "s47.icpc-15wd"
  window_months = 6
  target = 90
  tolerance = 10
  baseline = 40
  [[recommendation.action]]
  id = "R1.A1"
  text = "Recruit two permanent team managers."
  owner = "Head of service"
  due = 2025-01-31
  status = "complete"
  measures = ["R1.M1"]
  notes = [{ date = 2024-12-01, text = "Both in post." }]
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_F(PlanParse, ReadsASoundPlan) {
  Result<Plan> plan = Parse(kPlan);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan->title, "Improvement plan");
  ASSERT_EQ(plan->recommendations.size(), 1u);
  const Recommendation& r = plan->recommendations[0];
  ASSERT_EQ(r.measures.size(), 2u);
  EXPECT_EQ(r.measures[0].indicator, "assessments-within-45-days");
  EXPECT_TRUE(r.measures[0].higher_is_better);
  EXPECT_EQ(r.measures[0].unit, "percent");
  EXPECT_DOUBLE_EQ(r.measures[0].tolerance, 5.0) << "a percentage's default tolerance is 5 points";
  ASSERT_EQ(r.measures[0].trajectory.size(), 2u);
  EXPECT_EQ(r.measures[0].trajectory[1].date, Date::FromYmdOrDie(2025, 3, 31));
  EXPECT_DOUBLE_EQ(r.measures[0].trajectory[1].value, 75.0);
  EXPECT_EQ(r.measures[1].rule, "s47.icpc-15wd");
  EXPECT_EQ(r.measures[1].window_months, 6);
  EXPECT_DOUBLE_EQ(r.measures[1].tolerance, 10.0);
  EXPECT_EQ(r.measures[1].baseline, 40.0);
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(r.actions[0].status, SelfReported::kComplete);
  EXPECT_EQ(r.actions[0].due, Date::FromYmdOrDie(2025, 1, 31));
  EXPECT_EQ(r.actions[0].measures, std::vector<std::string>{"R1.M1"});
  ASSERT_EQ(r.actions[0].notes.size(), 1u);
  EXPECT_EQ(r.actions[0].notes[0].text, "Both in post.");
}

TEST_F(PlanParse, AnUnknownIndicatorNamesFileLineAndField) {
  EXPECT_EQ(Error(Replace(kPlan, "\"assessments-within-45-days\"", "\"assessments-in-45\"")),
            "plan.toml line 7: recommendation 'R1', measure 'R1.M1', field 'indicator': 'assessments-in-45' is not in "
            "the indicator catalogue (cairn indicators lists them).");
}

TEST_F(PlanParse, AnUnknownRuleIsRefused) {
  const std::string error = Error(Replace(kPlan, "\"s47.icpc-15wd\"", "\"s47.icpc-16wd\""));
  EXPECT_NE(error.find("plan.toml line 12: recommendation 'R1', measure 'R1.M2', field 'rule': 's47.icpc-16wd' is not "
                       "a timescales rule"),
            std::string::npos)
      << error;
}

TEST_F(PlanParse, TrajectoryDatesMustRise) {
  const std::string error = Error(Replace(kPlan, "date = \"2025-03-31\"", "date = \"2024-09-30\""));
  EXPECT_NE(error.find("plan.toml line 9: recommendation 'R1', measure 'R1.M1', trajectory point, field 'date': "
                       "2024-09-30 is not after the point before it (2024-09-30)"),
            std::string::npos)
      << error;
}

TEST_F(PlanParse, AMissingTargetIsRefused) {
  EXPECT_EQ(Error(Replace(kPlan, "  target = 85\n", "")),
            "plan.toml line 5: recommendation 'R1', measure 'R1.M1', field 'target': is missing; give the value the "
            "measure is to reach.");
}

TEST_F(PlanParse, AStatusNotInTheListIsRefused) {
  EXPECT_EQ(Error(Replace(kPlan, "status = \"complete\"", "status = \"done\"")),
            "plan.toml line 22: recommendation 'R1', action 'R1.A1', field 'status': 'done' is not a status; use "
            "not-started, on-track, at-risk or complete.");
}

TEST_F(PlanParse, OtherMistakesAreNamed) {
  EXPECT_NE(Error(Replace(kPlan, "measures = [\"R1.M1\"]", "measures = [\"R1.M9\"]"))
                .find("field 'measures': 'R1.M9' is not a measure of recommendation 'R1'"),
            std::string::npos);
  EXPECT_NE(Error(Replace(kPlan, "id = \"R1.M2\"", "id = \"R1.M1\"")).find("'R1.M1' is used twice"),
            std::string::npos);
  EXPECT_NE(Error(Replace(kPlan, "  window_months = 6\n", "  window_month = 6\n"))
                .find("field 'window_month': a measure has no such field"),
            std::string::npos);
  EXPECT_NE(Error(Replace(kPlan, "due = 2025-01-31", "due = \"31/01/2025\""))
                .find("field 'due': must be a date written YYYY-MM-DD"),
            std::string::npos);
  EXPECT_NE(Error(Replace(kPlan, "  rule = \"s47.icpc-15wd\"\n", "  indicator = \"referrals\"\n  rule = \"s47.icpc-15wd\"\n"))
                .find("give exactly one"),
            std::string::npos);
  // A count of activity is neither better higher nor lower: the plan must say which it wants.
  EXPECT_NE(Error(Replace(kPlan, "\"assessments-within-45-days\"", "\"referrals\"")).find("higher_is_better"),
            std::string::npos);
  EXPECT_TRUE(Parse(Replace(kPlan, "\"assessments-within-45-days\"", "\"referrals\"\n  higher_is_better = false")).ok());
  EXPECT_NE(Error(Replace(kPlan, "target = 85", "target = 1e12")).find("field 'target': is beyond any figure"),
            std::string::npos);
  EXPECT_NE(Error("title = \"x\"\n").find("no [[recommendation]]"), std::string::npos);
  EXPECT_NE(Error("title = \"x\n").find("plan.toml line 1"), std::string::npos);
}

// The sample plan in docs/examples parses, and every indicator and rule in it exists.
TEST_F(PlanParse, TheSamplePlanParses) {
  std::ifstream file(std::string(CAIRN_SOURCE_DIR) + "/docs/examples/improvement-plan.toml");
  ASSERT_TRUE(file) << "docs/examples/improvement-plan.toml";
  std::ostringstream text;
  text << file.rdbuf();
  Result<Plan> plan = ParsePlan(text.str(), "improvement-plan.toml", *catalogue_, *rules_);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_GE(plan->recommendations.size(), 3u);
  EXPECT_LE(plan->recommendations.size(), 5u);
  bool rule = false, indicator = false;
  for (const Recommendation& r : plan->recommendations) {
    EXPECT_FALSE(r.actions.empty()) << r.id;
    for (const Measure& m : r.measures) {
      if (!m.rule.empty()) {
        rule = true;
        EXPECT_TRUE(rules_->FindRule(m.rule).has_value()) << m.id;
      }
      if (!m.indicator.empty()) {
        indicator = true;
        EXPECT_NE(catalogue_->Find(m.indicator), nullptr) << m.id;
      }
      EXPECT_FALSE(m.trajectory.empty()) << m.id;
    }
  }
  EXPECT_TRUE(rule && indicator) << "the sample shows both kinds of measure";
}

}  // namespace
}  // namespace cairn::improvement
