// `cairn indicators` end to end: a small database, the DfE's published files imported from the
// reference folder, and the command line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_test_support.h"
#include "cli/commands.h"
#include "store/chronology_store.h"
#include "store/database.h"

namespace cairn::cli {
namespace {

Date D(int y, int m, int d) { return Date::FromYmdOrDie(y, m, d); }

using testing::MakeEvent;
using testing::Outcome;
using testing::SplitLines;

class IndicatorsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_indicators_cli_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("cairn.db");
    ASSERT_EQ(Run({"init", "--db", db_}).code, 0);
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    std::vector<model::Chronology> children;
    // Two children on a CP plan at 31 March 2024, one of them referred in 2023/24.
    model::Chronology a(model::Child{.la_child_id = "A1", .birth_date = D(2016, 4, 1)});
    int32_t episode = a.Add(MakeEvent(model::EventKind::kCinEpisode, D(2023, 5, 2)));
    a.Add(MakeEvent(model::EventKind::kCpPlan, D(2023, 6, 8), std::nullopt, episode));
    children.push_back(std::move(a));
    model::Chronology b(model::Child{.la_child_id = "B2", .birth_date = D(2014, 1, 1)});
    episode = b.Add(MakeEvent(model::EventKind::kCinEpisode, D(2022, 1, 2)));
    b.Add(MakeEvent(model::EventKind::kCpPlan, D(2022, 2, 8), std::nullopt, episode));
    children.push_back(std::move(b));
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "setup"}).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Outcome Run(std::vector<std::string> args) { return testing::RunCairn(std::move(args), D(2024, 11, 1)); }

  void ImportReference() {
    const Outcome imported = Run({"benchmarks", "import", "--db", db_, std::string(CAIRN_REFERENCE_DIR) + "/dfe"});
    ASSERT_EQ(imported.code, 0) << imported.err;
    ASSERT_EQ(Run({"settings", "set", "--db", db_, "la-code", "343"}).code, 0);
  }

  std::map<std::string, nlohmann::json> JsonById(const std::string& out) {
    std::map<std::string, nlohmann::json> by_id;
    for (const std::string& line : SplitLines(out)) {
      nlohmann::json json = nlohmann::json::parse(line);
      by_id[json["indicator"].get<std::string>()] = json;
    }
    return by_id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

TEST_F(IndicatorsCli, JsonLinesCompareWithEnglandRegionAndNeighbours) {
  ImportReference();
  const Outcome outcome =
      Run({"indicators", "--db", db_, "--year", "2024", "--compare", "england,region,neighbours", "--format", "json"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  const std::vector<std::string> lines = SplitLines(outcome.out);
  ASSERT_GE(lines.size(), 30u);
  // The keys, in its order, first.
  const std::vector<std::string> keys = {"indicator",  "year",   "value",      "numerator", "denominator",
                                         "england",    "region", "neighbours"};
  nlohmann::ordered_json first = nlohmann::ordered_json::parse(lines[0]);
  size_t i = 0;
  for (auto it = first.begin(); it != first.end() && i < keys.size(); ++it, ++i) EXPECT_EQ(it.key(), keys[i]);

  auto by_id = JsonById(outcome.out);
  const nlohmann::json& cp = by_id["cp-31-march-rate"];
  EXPECT_EQ(cp["year"], 2024);
  EXPECT_EQ(cp["numerator"], 2);
  EXPECT_EQ(cp["denominator"], 54154);  // Sefton's ONS 0-17 estimate for mid-2023
  EXPECT_DOUBLE_EQ(cp["value"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(cp["england"].get<double>(), 41.4);
  EXPECT_DOUBLE_EQ(cp["region"].get<double>(), 48.5);
  EXPECT_DOUBLE_EQ(cp["published"].get<double>(), 51.3);
  EXPECT_TRUE(cp["neighbours"].is_number());
  // Sefton's 2024 "2 years or more" is suppressed: null with the DfE's mark.
  EXPECT_TRUE(by_id["cp-2-years-or-more"]["published"].is_null());
  EXPECT_EQ(by_id["cp-2-years-or-more"]["withheld"]["published"], "c");
  // No workforce and no looked-after children in this database: no number, a reason.
  EXPECT_TRUE(by_id["sw-turnover"]["value"].is_null());
  EXPECT_NE(by_id["sw-turnover"]["note"].get<std::string>().find("workforce"), std::string::npos);
  EXPECT_TRUE(by_id["cla-31-march"]["value"].is_null());
}

TEST_F(IndicatorsCli, TableAndCsvAndOneIndicator) {
  const Outcome table = Run({"indicators", "--db", db_, "--year", "2023-2024", "--indicator", "cp-31-march"});
  ASSERT_EQ(table.code, 0) << table.err;
  const std::vector<std::string> lines = SplitLines(table.out);
  ASSERT_EQ(lines.size(), 4u) << table.out;  // heading, two years, summary
  EXPECT_EQ(lines[0].rfind("indicator", 0), 0u);
  EXPECT_NE(lines[1].find("2023"), std::string::npos);
  EXPECT_NE(lines[2].find("2024"), std::string::npos);

  const Outcome csv = Run({"indicators", "--db", db_, "--year", "2024", "--format", "csv", "--indicator", "referrals"});
  ASSERT_EQ(csv.code, 0) << csv.err;
  EXPECT_EQ(SplitLines(csv.out).at(1), "referrals,2024,1,1,,,,,,");
}

TEST_F(IndicatorsCli, DefaultYearIsTheLastThatEnded) {
  const Outcome outcome = Run({"indicators", "--db", db_, "--format", "json", "--indicator", "referrals"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_EQ(nlohmann::json::parse(outcome.out)["year"], 2024);  // today is 1 November 2024
}

TEST_F(IndicatorsCli, RatesWithoutAPopulationSaySoAndASettingIsUsed) {
  Outcome outcome = Run({"indicators", "--db", db_, "--year", "2024", "--format", "json", "--indicator", "cp-31-march-rate"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_TRUE(nlohmann::json::parse(outcome.out)["value"].is_null());
  EXPECT_NE(outcome.out.find("population"), std::string::npos);
  ASSERT_EQ(Run({"settings", "set", "--db", db_, "population", "20000"}).code, 0);
  outcome = Run({"indicators", "--db", db_, "--year", "2024", "--format", "json", "--indicator", "cp-31-march-rate"});
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(outcome.out)["value"].get<double>(), 1.0);
}

TEST_F(IndicatorsCli, MistakesAreClear) {
  Outcome outcome = Run({"indicators", "--db", db_, "--year", "2024", "--compare", "england"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("cairn benchmarks import"), std::string::npos) << outcome.err;
  outcome = Run({"indicators", "--db", db_, "--year", "twenty"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("'twenty'"), std::string::npos) << outcome.err;
  outcome = Run({"indicators", "--db", db_, "--compare", "wales"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("'wales'"), std::string::npos) << outcome.err;
  outcome = Run({"indicators", "--db", db_, "--indicator", "happiness"});
  EXPECT_EQ(outcome.code, 1);
  EXPECT_NE(outcome.err.find("'happiness'"), std::string::npos) << outcome.err;
  EXPECT_EQ(Run({"indicators", "--db", db_, "--format", "xml"}).code, 2);
  EXPECT_EQ(Run({"indicators", "--db", (dir_ / "missing.db").string()}).code, 1);
}

TEST_F(IndicatorsCli, PlacedOver20MilesNeedsThePostcodeDirectoryAndThenMeasuresIt) {
  {
    auto db = store::Connection::OpenExisting(db_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    std::vector<model::Chronology> children;
    // Looked after at 31 March 2024, placed 38.9 miles, 5.0 miles and an unknown distance from home.
    for (const auto& [id, placed] :
         {std::pair{"L1", "BB11 1AA"}, std::pair{"L2", "L21 1AA"}, std::pair{"L3", "ZZ9 9ZZ"}}) {
      model::Chronology child(model::Child{.la_child_id = id, .birth_date = D(2012, 5, 1)});
      child.Add(MakeEvent(model::EventKind::kLookedAfterEpisode, D(2023, 6, 1), std::nullopt, -1,
                          {{"RNE", "S"}, {"LS", "C2"}, {"HOME_POST", "L20 3AA"}, {"PL_POST", placed}}));
      children.push_back(std::move(child));
    }
    ASSERT_TRUE(store::SaveChronologies(**db, children, {"test", "looked after"}).ok());
  }
  const std::vector<std::string> command = {"indicators", "--db",        db_, "--year", "2024", "--format", "json",
                                            "--indicator", "cla-placed-over-20-miles"};
  Outcome outcome = Run(command);
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  nlohmann::json json = nlohmann::json::parse(outcome.out);
  EXPECT_TRUE(json["value"].is_null());
  EXPECT_NE(json["note"].get<std::string>().find("import the ONS Postcode Directory with `cairn postcodes import`"),
            std::string::npos)
      << json["note"];

  const std::filesystem::path directory = dir_ / "postcodes.csv";
  std::ofstream(directory) << "pcd,oseast1m,osnrth1m,laua\n"
                              "L20 3AA,334467,394739,E08000014\n"
                              "L21 1AA,334467,402786,E08000014\n"
                              "BB11 1AA,384179,432756,E07000117\n"
                              "PR8 1AB,333000,417000,E08000014\n";
  const Outcome imported = Run({"postcodes", "import", "--db", db_, directory.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  outcome = Run(command);
  ASSERT_EQ(outcome.code, 0) << outcome.err;
  json = nlohmann::json::parse(outcome.out);
  EXPECT_EQ(json["numerator"], 1);    // L1
  EXPECT_EQ(json["denominator"], 2);  // L1 and L2; ZZ9 9ZZ is not in the directory
  EXPECT_DOUBLE_EQ(json["value"].get<double>(), 50.0);

  const Outcome table = Run({"indicators", "--db", db_, "--year", "2024", "--indicator", "cla-placed-over-20-miles"});
  ASSERT_EQ(table.code, 0) << table.err;
  const std::vector<std::string> lines = SplitLines(table.out);
  ASSERT_EQ(lines.size(), 3u) << table.out;  // heading, the year, summary
  EXPECT_NE(lines[1].find("cla-placed-over-20-miles"), std::string::npos) << table.out;
  EXPECT_NE(lines[1].find("1/2"), std::string::npos) << table.out;
}

TEST_F(IndicatorsCli, ReadingEveryChildIsAudited) {
  ASSERT_EQ(Run({"indicators", "--db", db_, "--year", "2024"}).code, 0);
  auto db = store::Connection::OpenExisting(db_);
  ASSERT_TRUE(db.ok());
  auto select = (*db)->Prepare("SELECT count(*) FROM audit_log WHERE action = 'read' AND detail = $1");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE((*select)->Bind(1, std::string_view("cairn indicators for 2024")).ok());
  ASSERT_TRUE((*select)->Step().value_or(false));
  EXPECT_EQ((*select)->ColumnInt(0), 1);
}

}  // namespace
}  // namespace cairn::cli
