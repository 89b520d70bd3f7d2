#include "indicators/catalogue.h"

#include <gtest/gtest.h>

namespace cairn::indicators {
namespace {

constexpr std::string_view kMinimal = R"(
[[indicator]]
id = "cp-31-march-rate"
title = "CP rate"
definition = "Plans at 31 March per 10,000."
source = "DfE D5"
unit = "rate-per-10000"
period = "31-march"
higher_is_better = false
[indicator.published]
file = "d5_cpps"
count = "CPP_At31"
where = { category = "Child Protection Plans by length of time" }
year_offset = 0
)";

TEST(CatalogueTest, ReadsEveryField) {
  Result<Catalogue> catalogue = Catalogue::FromToml(kMinimal, "test.toml");
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  ASSERT_EQ(catalogue->indicators().size(), 1u);
  const IndicatorSpec& spec = catalogue->indicators()[0];
  EXPECT_EQ(spec.id, "cp-31-march-rate");
  EXPECT_EQ(spec.unit, Unit::kRatePer10000);
  EXPECT_EQ(spec.period, Period::kThirtyFirstMarch);
  EXPECT_EQ(spec.higher_is_better, false);
  ASSERT_TRUE(spec.published.has_value());
  EXPECT_EQ(spec.published->file, "d5_cpps");
  EXPECT_EQ(spec.published->column, "CPP_At31");
  EXPECT_TRUE(spec.published->per_10000);
  ASSERT_EQ(spec.published->where.size(), 1u);
  EXPECT_EQ(spec.published->where[0].first, "category");
  EXPECT_EQ(catalogue->Find("cp-31-march-rate"), &spec);
  EXPECT_EQ(catalogue->Find("nothing"), nullptr);
}

TEST(CatalogueTest, ShippedCatalogueIsValid) {
  Result<Catalogue> catalogue = Catalogue::England();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  EXPECT_GE(catalogue->indicators().size(), 30u);
  // Every figure the issue names is in the catalogue.
  for (std::string_view id : {"referrals", "re-referrals-12-months", "cin-31-march-rate", "assessments-within-45-days",
                              "icpc-within-15-days", "icpc-per-section-47", "cp-second-within-2-years",
                              "cla-long-term-stability", "cla-placed-over-20-miles", "care-leavers-19-21-eet",
                              "sw-turnover", "sw-average-caseload"}) {
    EXPECT_NE(catalogue->Find(id), nullptr) << id;
  }
}

struct BadCase {
  std::string_view name;
  std::string_view from;
  std::string_view to;
  std::string_view expected;  // part of the message
};

TEST(CatalogueTest, RefusesBadEntriesNamingLineAndField) {
  const BadCase cases[] = {
      {"unit", "unit = \"rate-per-10000\"", "unit = \"per-cent\"", "line 7: indicator 'cp-31-march-rate', field 'unit'"},
      {"period", "period = \"31-march\"", "period = \"monthly\"", "field 'period'"},
      {"flag", "higher_is_better = false", "higher_is_better = \"no\"", "field 'higher_is_better'"},
      {"both columns", "count = \"CPP_At31\"", "count = \"CPP_At31\"\nvalue = \"x\"", "one of them"},
      {"unknown key", "source = \"DfE D5\"", "source = \"DfE D5\"\nsauce = 1", "'sauce' is not a key"},
      {"id", "id = \"cp-31-march-rate\"", "id = \"CP Rate\"", "lower-case"},
      {"syntax", "title = \"CP rate\"", "title = \"CP rate", "line 4"},
      {"offset", "year_offset = 0", "year_offset = 40", "year_offset"},
  };
  for (const BadCase& bad : cases) {
    std::string text(kMinimal);
    text.replace(text.find(bad.from), bad.from.size(), bad.to);
    Result<Catalogue> catalogue = Catalogue::FromToml(text, "test.toml");
    ASSERT_FALSE(catalogue.ok()) << bad.name;
    EXPECT_NE(catalogue.status().message().find(bad.expected), std::string::npos)
        << bad.name << ": " << catalogue.status().message();
    EXPECT_EQ(catalogue.status().message().rfind("test.toml", 0), 0u) << catalogue.status().message();
  }
  std::string twice = std::string(kMinimal) + std::string(kMinimal).substr(0, std::string(kMinimal).find("[indicator.published]"));
  Result<Catalogue> duplicate = Catalogue::FromToml(twice, "test.toml");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("defined twice"), std::string::npos);
}

}  // namespace
}  // namespace cairn::indicators
