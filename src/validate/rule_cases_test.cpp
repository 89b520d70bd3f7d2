// The public validators' own per-rule tests (each rule file's test_validate: a few rows that
// pass and a few that fail), rewritten as data in src/validate/cases/*.toml and run against
// Cairn's logic. The layout of a case:
//
//   [[case]]
//   rule = "101"              # the rule code
//   version = 2023            # the first collection year of the version under test
//   year = 2026               # optional: the collection year (sets the collection dates)
//   la = "E09000027"          # optional: the council's ONS code
//   reference_date = "2022-03-31"  # optional, CIN: the census's ReferenceDate (else year's 31 March)
//   [case.tables.Header]      # one per table: its columns and rows of text ("" = not given)
//   columns = ["CHILD", "SEX"]
//   rows = [["1", "1"], ["2", "3"], ["3", ""]]
//   [case.expect]             # the rows each table should be flagged at (tables not named: none)
//   Header = [1, 2]
//   # or: expect_skipped = true (the rule cannot run without a table), expect_return = true (a
//   # finding about the whole return)
//
// A case fails when Cairn flags other rows than the validator's test asserts.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "base/working_day_calendar.h"
#include "validate/catalogue.h"
#include "validate/validator.h"

namespace cairn::validate {
namespace {

namespace fs = std::filesystem;

const fs::path kCaseFolder = fs::path(CAIRN_SOURCE_DIR) / "src/validate/cases";

std::string Text(const toml::node& node) {
  if (const auto* text = node.as_string()) return text->get();
  if (const auto* number = node.as_integer()) return std::to_string(number->get());
  if (const auto* number = node.as_floating_point()) return fmt::format("{}", number->get());
  if (const auto* flag = node.as_boolean()) return flag->get() ? "True" : "False";
  ADD_FAILURE() << "a cell must be text or a number";
  return "";
}

TEST(ValidateRuleCases, EveryRewrittenValidatorTestPasses) {
  Result<const Catalogue*> catalogue = Catalogue::Embedded();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  Result<WorkingDayCalendar> calendar = WorkingDayCalendar::EnglandAndWales();
  ASSERT_TRUE(calendar.ok());
  int cases = 0;
  std::set<std::string> rules_with_cases;
  for (const fs::directory_entry& file : fs::directory_iterator(kCaseFolder)) {
    if (file.path().extension() != ".toml") continue;
    const toml::table root = toml::parse_file(file.path().string());
    const toml::array* entries = root["case"].as_array();
    ASSERT_NE(entries, nullptr) << file.path();
    int index = 0;
    for (const toml::node& node : *entries) {
      ++index;
      const toml::table& spec = *node.as_table();
      const std::string code = spec["rule"].value_or(std::string());
      const int version = spec["version"].value_or(0);
      SCOPED_TRACE(fmt::format("{} case {} (rule {}, version {})", file.path().filename().string(), index, code,
                               version));
      const RuleInfo* rule = nullptr;
      for (const RuleInfo& candidate : (*catalogue)->rules()) {
        if (candidate.code == code && candidate.first_year == version) rule = &candidate;
      }
      // A broken case is reported and the others still run, so one gap hides no other failure.
      if (rule == nullptr) {
        ADD_FAILURE() << "no such rule version";
        continue;
      }
      const RuleCheck check = (*catalogue)->LogicFor(*rule);
      if (check == nullptr) {
        ADD_FAILURE() << "Cairn has no logic for this rule version";
        continue;
      }
      ++cases;
      rules_with_cases.insert(code);

      Return data;
      data.kind = rule->kind;
      data.collection_year = spec["year"].value_or(rule->last_year);
      data.la_ons = spec["la"].value_or(std::string());
      data.calendar = &calendar.value();
      if (rule->kind == ReturnKind::kSsda903) {
        data.collection_start = Date::FromYmdOrDie(data.collection_year - 1, 4, 1);
        data.collection_end = Date::FromYmdOrDie(data.collection_year, 3, 31);
      } else {
        const std::string reference = spec["reference_date"].value_or(fmt::format("{}-03-31", data.collection_year));
        const std::optional<Date> end = ParseReturnDate(reference, DateForm::kIso);
        if (!end) {
          ADD_FAILURE() << "reference_date " << reference;
          continue;
        }
        data.collection_end = *end;
        data.collection_start = end->AddYears(-1).AddDays(1);
      }
      if (const toml::table* tables = spec["tables"].as_table()) {
        for (const auto& [name, table_node] : *tables) {
          const toml::table& table_spec = *table_node.as_table();
          std::vector<std::string> columns;
          for (const toml::node& column : *table_spec["columns"].as_array()) columns.push_back(Text(column));
          Table table(std::string(name.str()), "case", columns,
                      rule->kind == ReturnKind::kSsda903 ? DateForm::kDayMonthYear : DateForm::kIso);
          int line = 0;
          if (const toml::array* rows = table_spec["rows"].as_array()) {
            for (const toml::node& row_node : *rows) {
              std::vector<std::string> row;
              for (const toml::node& cell : *row_node.as_array()) row.push_back(Text(cell));
              EXPECT_EQ(row.size(), columns.size()) << "table " << name.str() << " row " << line;
              table.AddRow(std::move(row), ++line);
            }
          }
          data.tables.push_back(std::move(table));
        }
      }
      RuleOutput out(data, *rule);
      check(data, out);
      if (spec["expect_skipped"].value_or(false)) {
        EXPECT_TRUE(out.skipped());
        continue;
      }
      EXPECT_FALSE(out.skipped());
      std::map<std::string, std::set<std::size_t>> flagged;
      bool flagged_return = false;
      for (const Finding& finding : out.findings()) {
        if (finding.row()) {
          flagged[std::string(finding.table())].insert(*finding.row());
        } else {
          flagged_return = true;
        }
      }
      std::map<std::string, std::set<std::size_t>> expected;
      if (const toml::table* expect = spec["expect"].as_table()) {
        for (const auto& [table, rows] : *expect) {
          std::set<std::size_t>& into = expected[std::string(table.str())];
          for (const toml::node& row : *rows.as_array()) into.insert(static_cast<std::size_t>(*row.value<int64_t>()));
          if (into.empty()) expected.erase(std::string(table.str()));
        }
      }
      EXPECT_EQ(flagged, expected);
      EXPECT_EQ(flagged_return, spec["expect_return"].value_or(false));
    }
  }
  std::cout << fmt::format("[ rule cases ] {} cases for {} rules\n", cases, rules_with_cases.size());
  EXPECT_GT(cases, 0);
}

}  // namespace
}  // namespace cairn::validate
