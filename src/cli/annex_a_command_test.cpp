#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/xlsx_test_support.h"
#include "cli/cli_test_support.h"
#include "returns/annex_a/annex_a.h"

namespace cairn::cli {
namespace {

using testing::Outcome;
using testing::RunCairn;
namespace fs = std::filesystem;

Date Today() { return Date::FromYmdOrDie(2025, 6, 1); }

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The column `heading` of a sheet read back, by position in its first row.
size_t ColumnOf(const cairn::testing::SheetText& sheet, std::string_view heading) {
  for (size_t i = 0; i < sheet.rows.at(0).size(); ++i) {
    if (sheet.rows[0][i] == heading) return i;
  }
  ADD_FAILURE() << sheet.name << " has no column " << heading;
  return 0;
}

// Rows of a sheet whose cell under `heading` is empty (a date not yet come: still open).
int64_t RowsWithEmpty(const cairn::testing::SheetText& sheet, std::string_view heading) {
  const size_t column = ColumnOf(sheet, heading);
  int64_t count = 0;
  for (size_t r = 1; r < sheet.rows.size(); ++r) {
    if (column >= sheet.rows[r].size() || sheet.rows[r][column].empty()) ++count;
  }
  return count;
}

class AnnexACli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestFolder("cairn_annex_a_");
    databases_ = std::make_unique<testing::TestDatabases>(dir_);
    db_ = databases_->Target("council.db");
    const Outcome simulated = RunCairn({"simulate", "--db", db_, "--population", "6000", "--years", "3", "--seed", "11",
                                        "--profile", "struggling", "--as-at", "2025-03-31"},
                                       Today());
    ASSERT_EQ(simulated.code, 0) << simulated.err;
  }
  void TearDown() override {
    databases_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<testing::TestDatabases> databases_;  // on PostgreSQL, the schemas, dropped with the fixture
  std::string db_;
};

// The lists count what the national indicators count, over the same reporting year: the same
// record read two ways.
TEST_F(AnnexACli, OverAReportingYearTheListsAgreeWithTheIndicators) {
  const fs::path out = dir_ / "annex-a.xlsx";
  const Outcome written =
      RunCairn({"annex-a", "--db", db_, "--as-at", "2025-03-31", "--months", "12", "--out", out.string()}, Today());
  ASSERT_EQ(written.code, 0) << written.err;
  EXPECT_NE(written.out.find("List 3  Referrals:"), std::string::npos) << written.out;

  const Outcome indicators = RunCairn({"indicators", "--db", db_, "--year", "2025", "--format", "json"}, Today());
  ASSERT_EQ(indicators.code, 0) << indicators.err;
  std::map<std::string, nlohmann::json> by_id;
  for (const std::string& line : testing::SplitLines(indicators.out)) {
    nlohmann::json value = nlohmann::json::parse(line);
    by_id[value["indicator"].get<std::string>()] = value;
  }
  auto count = [&](const std::string& id, const char* field) {
    EXPECT_TRUE(by_id.contains(id)) << id;
    EXPECT_FALSE(by_id[id][field].is_null()) << id << " has no " << field;
    return by_id[id][field].is_null() ? -1 : by_id[id][field].get<int64_t>();
  };

  const auto sheets = cairn::testing::ReadWorkbook(Slurp(out));
  ASSERT_EQ(sheets.size(), 12u);
  auto rows = [&](int list) { return static_cast<int64_t>(sheets.at(static_cast<size_t>(list)).rows.size()) - 1; };
  // Referrals received in the year.
  EXPECT_EQ(rows(3), count("referrals", "value"));
  EXPECT_GT(rows(3), 0);
  // Section 47 enquiries started in the year.
  EXPECT_EQ(rows(5), count("section-47-rate", "numerator"));
  // Children in need, on a plan and looked after at 31 March: the rows still open.
  EXPECT_EQ(RowsWithEmpty(sheets[6], "CIN Closure Date"), count("cin-31-march", "value"));
  EXPECT_EQ(RowsWithEmpty(sheets[7], "Child Protection Plan End Date"), count("cp-31-march", "value"));
  EXPECT_EQ(RowsWithEmpty(sheets[8], "Date Ceased to be Looked After"), count("cla-31-march", "value"));
  EXPECT_GT(rows(8), count("cla-31-march", "value")) << "children who left care in the year are listed too";
  // Assessments authorised in the year.
  const size_t authorised = ColumnOf(sheets[4], "Continuous Assessment Date of Authorisation");
  const int64_t first_day = Date::FromYmdOrDie(2024, 4, 1).DaysSince(Date::FromYmdOrDie(1900, 1, 1)) + 2;
  int64_t in_year = 0;
  for (size_t r = 1; r < sheets[4].rows.size(); ++r) {
    const auto& row = sheets[4].rows[r];
    if (authorised < row.size() && !row[authorised].empty() && std::stoll(row[authorised]) >= first_day) ++in_year;
  }
  EXPECT_EQ(in_year, count("assessments-completed", "value"));

  // Every coded value is one of the template's, or a code it does not list named on the cover.
  Result<returns::annex_a::Guidance> guidance = returns::annex_a::LoadGuidance();
  ASSERT_TRUE(guidance.ok());
  std::set<std::string> on_cover;
  for (const auto& row : sheets[0].rows) {
    if (row.size() > 3) on_cover.insert(row[3]);
  }
  int64_t coded_cells = 0;
  for (const returns::annex_a::ListSpec& list : guidance->lists) {
    const cairn::testing::SheetText& sheet = sheets.at(static_cast<size_t>(list.number));
    for (size_t c = 0; c < list.columns.size(); ++c) {
      if (list.columns[c].codes.empty()) continue;
      std::set<std::string> allowed;
      for (const auto& [code, value] : guidance->codes.at(list.columns[c].codes)) allowed.insert(value);
      for (size_t r = 1; r < sheet.rows.size(); ++r) {
        if (c >= sheet.rows[r].size() || sheet.rows[r][c].empty()) continue;
        ++coded_cells;
        const std::string& value = sheet.rows[r][c];
        EXPECT_TRUE(allowed.contains(value) || on_cover.contains(value))
            << sheet.name << ", " << list.columns[c].heading << ": '" << value << "'";
      }
    }
  }
  EXPECT_GT(coded_cells, 1000);

  // The audit names every child listed: who looked at a listed child shows the workbook.
  const std::string listed = sheets[3].rows.at(1).at(0);
  const Outcome audit = RunCairn({"audit", "--db", db_, "--child", listed, "--format", "csv"}, Today());
  EXPECT_NE(audit.out.find("annex-a as at 2025-03-31"), std::string::npos) << audit.out << audit.err;
}

TEST_F(AnnexACli, BadArgumentsAreRefusedAndNothingIsWritten) {
  const fs::path out = dir_ / "annex-a.csv";
  const Outcome wrong = RunCairn({"annex-a", "--db", db_, "--out", out.string()}, Today());
  EXPECT_NE(wrong.code, 0);
  EXPECT_NE(wrong.err.find("must name an Excel workbook ending in .xlsx"), std::string::npos) << wrong.err;
  const Outcome date = RunCairn({"annex-a", "--db", db_, "--as-at", "2025-02-30", "--out", (dir_ / "a.xlsx").string()},
                                Today());
  EXPECT_NE(date.code, 0);
  EXPECT_NE(date.err.find("YYYY-MM-DD"), std::string::npos) << date.err;
  const Outcome folder = RunCairn({"annex-a", "--db", db_, "--out", (dir_ / "no" / "a.xlsx").string()}, Today());
  EXPECT_NE(folder.code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "a.xlsx"));
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
}  // namespace cairn::cli
