#include "reports/pack.h"

#include <gtest/gtest.h>

namespace cairn::reports {
namespace {

TEST(PackPeriodTest, APeriodIsTwoDatesAndThePreviousIsAsLongAndJustBefore) {
  auto period = ParsePeriod("2024-04-01..2025-03-31");
  ASSERT_TRUE(period.ok()) << period.status().message();
  EXPECT_EQ(period->Days(), 365);
  EXPECT_EQ(period->Previous().from, Date::FromYmdOrDie(2023, 4, 1));
  EXPECT_EQ(period->Previous().to, Date::FromYmdOrDie(2024, 3, 31));
  EXPECT_EQ(period->Text(), "1 April 2024 to 31 March 2025");
  EXPECT_TRUE(ParsePeriod("2023-04-01..2025-03-31").ok()) << "two years";
  // Whole months: as many months before (a quarter of 90 days, the one before of 92).
  auto quarter = ParsePeriod("2025-01-01..2025-03-31");
  ASSERT_TRUE(quarter.ok());
  EXPECT_EQ(quarter->Previous().from, Date::FromYmdOrDie(2024, 10, 1));
  EXPECT_EQ(quarter->Previous().to, Date::FromYmdOrDie(2024, 12, 31));
  // Otherwise as many days: 2025-02-10..2025-03-11 is 30 days.
  auto days = ParsePeriod("2025-02-10..2025-03-11");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ(days->Previous().from, Date::FromYmdOrDie(2025, 1, 11));
  EXPECT_EQ(days->Previous().to, Date::FromYmdOrDie(2025, 2, 9));
  for (std::string_view bad : {"", "2025-01-01", "2025-03-31..2025-01-01", "2025-01-01..2025-13-01", "2025-01-01...2025-03-31",
                               "1985-01-01..1985-12-31", "2022-01-01..2025-01-01"}) {
    EXPECT_FALSE(ParsePeriod(bad).ok()) << bad;
  }
}

TEST(PackDefinitionTest, TheBuiltInDefinitionHasTheThreeAudiences) {
  auto definition = PackDefinition::Builtin();
  ASSERT_TRUE(definition.ok()) << definition.status().message();
  EXPECT_EQ(definition->AudienceNames(), "scrutiny, corporate-parenting or improvement-board");
  const Audience* board = definition->FindAudience("improvement-board");
  ASSERT_NE(board, nullptr);
  EXPECT_NE(std::find(board->sections.begin(), board->sections.end(), "improvement-plan"), board->sections.end());
  const Audience* parenting = definition->FindAudience("corporate-parenting");
  ASSERT_NE(parenting, nullptr);
  EXPECT_EQ(parenting->sections.at(1), "looked-after") << "children looked after first after the summary";
  EXPECT_GT(definition->questions_asked, 0);
  ASSERT_NE(definition->FindMeasure("visits"), nullptr);
  EXPECT_EQ(definition->FindMeasure("visits")->higher_is_better, true);
}

TEST(PackDefinitionTest, MistakesNameTheLineAndField) {
  const std::string questions = "[questions]\nasked = 3\nworsened = \"w\"\nimproved = \"i\"\nneither = \"n\"\n";
  auto unknown_section = PackDefinition::FromToml(
      "[[audience]]\nid = \"a\"\ntitle = \"t\"\nintro = \"i\"\nsections = [\"summary\", \"gossip\"]\n" + questions,
      "pack.toml");
  ASSERT_FALSE(unknown_section.ok());
  EXPECT_NE(unknown_section.status().message().find("pack.toml line"), std::string::npos);
  EXPECT_NE(unknown_section.status().message().find("'gossip' is not a section"), std::string::npos)
      << unknown_section.status().message();
  auto bad_over = PackDefinition::FromToml("[[audience]]\nid = \"a\"\ntitle = \"t\"\nintro = \"i\"\nsections = []\n"
                                           "[[measure]]\nid = \"cla\"\nover = \"always\"\n" + questions,
                                           "pack.toml");
  ASSERT_FALSE(bad_over.ok());
  EXPECT_NE(bad_over.status().message().find("measure 'cla', field 'over'"), std::string::npos)
      << bad_over.status().message();
  EXPECT_FALSE(PackDefinition::FromToml(questions, "pack.toml").ok()) << "no audience";
}

TEST(PackRenderTest, TextIsEscapedWithheldFiguresShowTheMarkAndAnEmptyPlanSaysSo) {
  Pack pack;
  pack.audience = {"improvement-board", "Board <pack>", "For \"the board\"", {"summary", "measures", "improvement-plan"}, {}};
  pack.period = *ParsePeriod("2025-01-01..2025-03-31");
  pack.previous = pack.period.Previous();
  MeasureRow row;
  row.id = "cla";
  row.title = "Children & young people";
  row.unit = indicators::MonthlyUnit::kCount;
  row.before = {std::nullopt, true};
  row.after = {12.0, false};
  pack.measures.push_back(row);
  pack.questions.push_back("Why <this>?");
  const std::string html = RenderPackDocument(pack);
  EXPECT_NE(html.find("Board &lt;pack&gt;"), std::string::npos);
  EXPECT_NE(html.find("Children &amp; young people"), std::string::npos);
  EXPECT_NE(html.find("Why &lt;this&gt;?"), std::string::npos);
  EXPECT_EQ(html.find("<this>"), std::string::npos);
  EXPECT_NE(html.find("pack-withheld\">[c]</td>"), std::string::npos);
  EXPECT_NE(html.find("No improvement plan has been imported"), std::string::npos);
  EXPECT_LT(html.find("id=\"pack-summary\""), html.find("id=\"pack-measures\""));

  pack.improvement_plan.push_back({"P1", "Cut <caseloads>", "Head of service", Date::FromYmdOrDie(2025, 9, 30),
                                   "on-track", "red", "R1.M1 Caseload: 24.0 against 18.0 expected",
                                   "reported on track while <R1.M1> is red"});
  const std::string with_plan = RenderPackBody(pack);
  // The measured rating is a word with its shape, and a disagreement is said in words.
  EXPECT_NE(with_plan.find("status-rag-red\" data-testid=\"pack-plan-rag\">red</span>"), std::string::npos) << with_plan;
  EXPECT_NE(with_plan.find("reported on track while &lt;R1.M1&gt; is red"), std::string::npos);
  EXPECT_EQ(with_plan.find("No improvement plan has been imported"), std::string::npos);
  EXPECT_NE(with_plan.find("Cut &lt;caseloads&gt;"), std::string::npos);
  EXPECT_NE(with_plan.find("2025-09-30"), std::string::npos);
}

TEST(PackRenderTest, FiguresAreWrittenByTheirUnit) {
  EXPECT_EQ(FormatShown({12.0, false}, indicators::MonthlyUnit::kCount), "12");
  EXPECT_EQ(FormatShown({42.26, false}, indicators::MonthlyUnit::kPercent), "42.3%");
  EXPECT_EQ(FormatShown({17.04, false}, indicators::MonthlyUnit::kAverage), "17.0");
  EXPECT_EQ(FormatShown({std::nullopt, true}, indicators::MonthlyUnit::kRate), "[c]");
  EXPECT_EQ(FormatShown({}, indicators::MonthlyUnit::kCount), "");
}

}  // namespace
}  // namespace cairn::reports
