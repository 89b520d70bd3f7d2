#include "indicators/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace cairn::indicators {
namespace {

IndicatorSpec Spec(std::string id, Unit unit) {
  IndicatorSpec spec;
  spec.id = std::move(id);
  spec.unit = unit;
  return spec;
}

TEST(ReportTest, JsonLineHasTheIssuesFieldsRoundedAsTheDfEPublishes) {
  const IndicatorSpec spec = Spec("cp-31-march-rate", Unit::kRatePer10000);
  IndicatorValue value{&spec, 2024, 278.0 / 54154.0 * 10000.0, 278, 54154, ""};
  Comparisons comparisons;
  comparisons.england.value = 41.4;
  comparisons.region.mark = "c";
  comparisons.neighbours.mark = "missing";
  const std::string line = IndicatorJson(value, comparisons);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto json = nlohmann::json::parse(line);
  EXPECT_EQ(json["indicator"], "cp-31-march-rate");
  EXPECT_EQ(json["year"], 2024);
  EXPECT_DOUBLE_EQ(json["value"].get<double>(), 51.3);
  EXPECT_EQ(json["numerator"], 278);
  EXPECT_EQ(json["denominator"], 54154);
  EXPECT_DOUBLE_EQ(json["england"].get<double>(), 41.4);
  EXPECT_TRUE(json["region"].is_null());
  EXPECT_TRUE(json["neighbours"].is_null());
  EXPECT_EQ(json["withheld"]["region"], "c");
  EXPECT_FALSE(json["withheld"].contains("neighbours"));  // not published is not withheld
  EXPECT_FALSE(json.contains("note"));
}

TEST(ReportTest, UnsupportedValuesSayWhyInEveryFormat) {
  const IndicatorSpec spec = Spec("sw-turnover", Unit::kPercent);
  IndicatorValue value{&spec, 2025, std::nullopt, std::nullopt, std::nullopt, "no workforce recorded, sadly"};
  const auto json = nlohmann::json::parse(IndicatorJson(value, {}));
  EXPECT_TRUE(json["value"].is_null());
  EXPECT_EQ(json["note"], "no workforce recorded, sadly");
  EXPECT_EQ(IndicatorCsv(value, {}), "sw-turnover,2025,,,,,,,,\"no workforce recorded, sadly\"");
  const auto cells = IndicatorCells(value, {});
  EXPECT_EQ(cells[2], "-");
  EXPECT_EQ(cells.back(), "no workforce recorded, sadly");
}

TEST(ReportTest, CountsAreWhole) {
  const IndicatorSpec spec = Spec("referrals", Unit::kCount);
  IndicatorValue value{&spec, 2024, 3354.0, 3354.0, std::nullopt, ""};
  Comparisons comparisons;
  comparisons.published.value = 3354;
  EXPECT_EQ(IndicatorCsv(value, comparisons), "referrals,2024,3354,3354,,,,,3354,");
  EXPECT_EQ(nlohmann::json::parse(IndicatorJson(value, comparisons))["value"], 3354);
}

}  // namespace
}  // namespace cairn::indicators
