// The web pages show the national indicators as at an earlier date for the reporting years
// complete by then. This test holds the reason they may be computed from the record as it
// stands: a complete year's figures depend only on what is dated within it, so leaving out what
// happened after the as-at date (Chronology::AsAt) changes none of them.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/working_day_calendar.h"
#include "indicators/compute.h"
#include "simulate/simulator.h"

namespace cairn::indicators {
namespace {

TEST(IndicatorsAsAt, CompleteYearsDoNotDependOnWhatCameAfter) {
  Result<simulate::Profile> profile = simulate::LoadBuiltInProfile("struggling");
  ASSERT_TRUE(profile.ok()) << profile.status().message();
  simulate::SimulationOptions options;
  options.population = 12000;
  options.years = 4;
  options.seed = 77;
  options.as_at = Date::FromYmdOrDie(2026, 3, 31);
  std::vector<model::Chronology> children;
  Result<simulate::SimulationSummary> summary = simulate::Simulate(*profile, options, [&](model::Chronology&& child) {
    children.push_back(std::move(child));
    return Status::Ok();
  });
  ASSERT_TRUE(summary.ok()) << summary.status().message();

  Result<Catalogue> catalogue = Catalogue::England();
  ASSERT_TRUE(catalogue.ok());
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok());
  Result<timescales::RuleSet> rules = timescales::RuleSet::England();
  ASSERT_TRUE(rules.ok());
  Result<IndicatorEngine> engine = IndicatorEngine::Create(*std::move(catalogue), *calendar, *std::move(rules));
  ASSERT_TRUE(engine.ok()) << engine.status().message();

  // Two cuts: the end of a reporting year, and half way through the next.
  for (const Date cut : {Date::FromYmdOrDie(2024, 3, 31), Date::FromYmdOrDie(2025, 9, 30)}) {
    const int last = cut.month() == 3 && cut.day() == 31 ? cut.year() : model::CollectionYear::Containing(cut).year - 1;
    const std::vector<int> years = {last - 1, last};
    std::vector<model::Chronology> stood;
    stood.reserve(children.size());
    size_t changed = 0;
    for (const model::Chronology& child : children) {
      stood.push_back(child.AsAt(cut));
      if (stood.back().events().size() != child.events().size()) ++changed;
    }
    ASSERT_GT(changed, children.size() / 10) << "the cut must leave out a good part of the record";
    auto population = [](int) { return std::optional<double>(12000.0); };
    const std::vector<IndicatorValue> whole = engine->Compute({children, summary->workers, population}, years);
    const std::vector<IndicatorValue> then = engine->Compute({stood, summary->workers, population}, years);
    ASSERT_EQ(whole.size(), then.size());
    int compared = 0;
    for (size_t i = 0; i < whole.size(); ++i) {
      ASSERT_EQ(whole[i].spec, then[i].spec);
      ASSERT_EQ(whole[i].year, then[i].year);
      const std::string what = whole[i].spec->id + " " + std::to_string(whole[i].year) + " cut " + cut.ToIso();
      ASSERT_EQ(whole[i].value.has_value(), then[i].value.has_value()) << what;
      if (!whole[i].value) continue;
      EXPECT_NEAR(*whole[i].value, *then[i].value, 1e-9) << what;
      ++compared;
    }
    EXPECT_GT(compared, 40) << cut.ToIso();
  }
}

}  // namespace
}  // namespace cairn::indicators
