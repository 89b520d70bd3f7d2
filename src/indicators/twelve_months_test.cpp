// The twelve months ending on any day (IndicatorEngine::ComputeTwelveMonthsTo), which an
// improvement plan measures its progress by: a window ending on 31 March is the reporting year,
// and a window moves with its end.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "base/working_day_calendar.h"
#include "indicators/compute.h"
#include "simulate/simulator.h"

namespace cairn::indicators {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

IndicatorEngine Engine() {
  Result<Catalogue> catalogue = Catalogue::England();
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  Result<timescales::RuleSet> rules = timescales::RuleSet::England();
  EXPECT_TRUE(catalogue.ok() && calendar.ok() && rules.ok());
  Result<IndicatorEngine> engine = IndicatorEngine::Create(*std::move(catalogue), *calendar, *std::move(rules));
  EXPECT_TRUE(engine.ok()) << engine.status().message();
  return std::move(engine).value();
}

class TwelveMonths : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<simulate::Profile> profile = simulate::LoadBuiltInProfile("struggling");
    ASSERT_TRUE(profile.ok()) << profile.status().message();
    simulate::SimulationOptions options;
    options.population = 12000;
    options.years = 3;
    options.seed = 41;
    options.as_at = D(2025, 12, 31);
    children_ = new std::vector<model::Chronology>();
    Result<simulate::SimulationSummary> summary = simulate::Simulate(*profile, options, [](model::Chronology&& child) {
      children_->push_back(std::move(child));
      return Status::Ok();
    });
    ASSERT_TRUE(summary.ok()) << summary.status().message();
    workers_ = new std::vector<model::Worker>(summary->workers);
  }
  static void TearDownTestSuite() {
    delete children_;
    delete workers_;
  }
  CouncilData Council() const {
    return {*children_, *workers_, [](int) { return std::optional<double>(12000.0); }};
  }
  static std::vector<model::Chronology>* children_;
  static std::vector<model::Worker>* workers_;
};
std::vector<model::Chronology>* TwelveMonths::children_ = nullptr;
std::vector<model::Worker>* TwelveMonths::workers_ = nullptr;

TEST_F(TwelveMonths, AWindowEndingOn31MarchIsTheReportingYear) {
  const IndicatorEngine engine = Engine();
  const int years[] = {2025};
  const Date ends[] = {D(2025, 3, 31)};
  const std::vector<IndicatorValue> year = engine.Compute(Council(), years, 2);
  const std::vector<IndicatorValue> window = engine.ComputeTwelveMonthsTo(Council(), ends, 2);
  ASSERT_EQ(year.size(), window.size());
  int compared = 0;
  for (size_t i = 0; i < year.size(); ++i) {
    ASSERT_EQ(year[i].spec, window[i].spec);
    EXPECT_EQ(window[i].year, 2025);
    const std::string& id = year[i].spec->id;
    ASSERT_EQ(year[i].value.has_value(), window[i].value.has_value()) << id;
    EXPECT_EQ(year[i].numerator, window[i].numerator) << id;
    EXPECT_EQ(year[i].denominator, window[i].denominator) << id;
    if (!year[i].value) continue;
    EXPECT_DOUBLE_EQ(*year[i].value, *window[i].value) << id;
    ++compared;
  }
  EXPECT_GT(compared, 20);
}

TEST_F(TwelveMonths, AWindowMovesWithItsEnd) {
  const IndicatorEngine engine = Engine();
  const Date ends[] = {D(2025, 3, 31), D(2025, 9, 30)};
  const std::vector<IndicatorValue> values = engine.ComputeTwelveMonthsTo(Council(), ends, 2);
  const size_t n = engine.catalogue().indicators().size();
  ASSERT_EQ(values.size(), 2 * n);
  int moved = 0, compared = 0;
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(values[i].spec, values[n + i].spec);
    EXPECT_EQ(values[n + i].year, 2026);  // 30 September 2025 is in the reporting year 2025/26
    if (!values[i].value || !values[n + i].value) continue;
    ++compared;
    if (*values[i].value != *values[n + i].value) ++moved;
  }
  EXPECT_GT(compared, 20);
  EXPECT_GT(moved, compared / 2) << "most figures over a different twelve months differ";
}

TEST(TwelveMonthsByHand, ReferralsCountInTheWindowsHoldingThem) {
  const IndicatorEngine engine = Engine();
  model::Child child;
  child.la_child_id = "C1";
  child.birth_date = D(2015, 1, 1);
  std::vector<model::Chronology> children;
  children.emplace_back(child);
  model::Event referral;
  referral.kind = model::EventKind::kCinEpisode;
  referral.start = D(2025, 5, 15);
  referral.end = D(2025, 8, 1);
  children.back().Add(referral);
  const std::vector<model::Worker> workers;
  CouncilData council{children, workers, [](int) { return std::optional<double>(1000.0); }};
  // The window to 14 May 2025 ends the day before the referral; to 15 May holds it; the window to
  // 15 May 2026 starts the day after 15 May 2025 and leaves it out again.
  const Date ends[] = {D(2025, 5, 14), D(2025, 5, 15), D(2026, 5, 14), D(2026, 5, 15)};
  std::map<std::pair<Date, std::string>, IndicatorValue> by;
  const std::vector<IndicatorValue> values = engine.ComputeTwelveMonthsTo(council, ends, 1);
  const size_t n = engine.catalogue().indicators().size();
  ASSERT_EQ(values.size(), 4 * n);
  for (size_t i = 0; i < values.size(); ++i) by[{ends[i / n], values[i].spec->id}] = values[i];
  auto at = [&by, &ends](size_t end, const char* id) { return by[{ends[end], id}]; };
  EXPECT_FALSE(at(0, "referrals").value.has_value()) << "no CIN record overlaps the window yet";
  EXPECT_NE(at(0, "referrals").unsupported.find("the 12 months to 2025-05-14"), std::string::npos);
  EXPECT_EQ(at(1, "referrals").value, 1.0);
  EXPECT_EQ(at(2, "referrals").value, 1.0);
  EXPECT_EQ(at(3, "referrals").value, 0.0) << "the referral came the day before the window began";
  // "In need at the end": open on 15 May 2025, closed by 14 May 2026.
  EXPECT_EQ(at(1, "cin-31-march").value, 1.0);
}

}  // namespace
}  // namespace cairn::indicators
