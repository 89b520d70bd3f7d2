// Cairn's findings against the public DfE validators' on the reference cases
// (../shared/reference/validation: each case's inputs, case.toml and expected.csv).
//
// For every case and rule set, and every rule whose logic Cairn has, the test compares
//   * the set of (child, rule) pairs, and
//   * the set of (rule, table, row) places,
// leaving out the rules the validator could not run on that case (case.toml's not_compared).
// Every difference is listed. A difference is allowed only where reference_exceptions.toml
// names the case and the rule with the reason (the validator contradicts the DfE's rule text,
// or reads the file differently); an exception that no longer matches a difference fails too.
//
// The SSDA903 cases' episodes gain PL_LA, PL_LOCATION and PL_DISTANCE from the ONS Postcode
// Directory extract (../shared/reference/postcodes), read for just the postcodes each case names,
// as the validator derives them from the same directory.
//
// CAIRN_VALIDATE_RULES=101,8500 limits the comparison to those rules and CAIRN_VALIDATE_CASES=
// demo-2026 to those cases, for working on a few rules at a time.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "geography/postcode_directory.h"
#include "returns/csv.h"
#include "validate/catalogue.h"
#include "validate/inputs.h"
#include "validate/validator.h"

namespace cairn::validate {
namespace {

namespace fs = std::filesystem;

const fs::path kCases = fs::path(CAIRN_REFERENCE_DIR) / "validation";
const fs::path kPostcodes = fs::path(CAIRN_REFERENCE_DIR) / "postcodes" / "ons-postcodes.csv.gz";
const fs::path kExceptions = fs::path(CAIRN_SOURCE_DIR) / "src/validate/reference_exceptions.toml";

std::set<std::string> ListFromEnvironment(const char* name) {
  std::set<std::string> values;
  const char* text = std::getenv(name);
  if (text == nullptr) return values;
  std::stringstream stream(text);
  std::string item;
  while (std::getline(stream, item, ',')) {
    if (!item.empty()) values.insert(item);
  }
  return values;
}

struct Findings {
  std::map<std::string, std::set<std::string>> children_by_rule;  // rule -> children
  std::map<std::string, std::set<std::tuple<std::string, std::string>>> places_by_rule;  // rule -> (table, row)
};

Findings ReadExpected(const fs::path& path) {
  Findings findings;
  Result<CsvTable> csv = ReadCsvFile(path.string());
  EXPECT_TRUE(csv.ok()) << csv.status().message();
  if (!csv.ok()) return findings;
  const std::size_t child = *csv->FindColumn("child_id");
  const std::size_t rule = *csv->FindColumn("rule_code");
  const std::size_t table = *csv->FindColumn("tables_affected");
  const std::size_t row = *csv->FindColumn("row_id");
  for (const CsvRecord& record : csv->records) {
    const std::string& code = record.fields[rule];
    findings.children_by_rule[code].insert(record.fields[child]);
    findings.places_by_rule[code].insert({record.fields[table], record.fields[row]});
  }
  return findings;
}

Findings FromReport(const Report& report) {
  Findings findings;
  for (const Finding& finding : report.findings) {
    findings.children_by_rule[finding.rule->code].insert(std::string(finding.child_id()));
    findings.places_by_rule[finding.rule->code].insert(
        {std::string(finding.table()), finding.row() ? std::to_string(*finding.row()) : std::string()});
  }
  return findings;
}

int YearOfRuleSet(std::string_view name) {
  // "lac2025_26" and "cin2025_26" are collection year 2026.
  const std::size_t underscore = name.find('_');
  return 2000 + std::stoi(std::string(name.substr(underscore + 1)));
}

struct Exception {
  std::string case_name;
  std::string rule;
  std::string reason;
  bool used = false;
};

std::vector<Exception> ReadExceptions() {
  std::vector<Exception> exceptions;
  toml::table root = toml::parse_file(kExceptions.string());
  if (const toml::array* entries = root["exception"].as_array()) {
    for (const toml::node& node : *entries) {
      const toml::table& entry = *node.as_table();
      exceptions.push_back({entry["case"].value_or(std::string()), entry["rule"].value_or(std::string()),
                            entry["reason"].value_or(std::string())});
      EXPECT_FALSE(exceptions.back().reason.empty())
          << "reference_exceptions.toml: every exception says why (case " << exceptions.back().case_name
          << ", rule " << exceptions.back().rule << ")";
    }
  }
  return exceptions;
}

template <typename T>
std::string Sample(const std::set<T>& items, std::size_t limit = 5) {
  std::vector<std::string> shown;
  for (const T& item : items) {
    if (shown.size() == limit) break;
    if constexpr (std::is_same_v<T, std::string>) {
      shown.push_back(item.empty() ? "(return)" : item);
    } else {
      shown.push_back(fmt::format("{} row {}", std::get<0>(item), std::get<1>(item)));
    }
  }
  return fmt::format("{}{}", fmt::join(shown, ", "), items.size() > limit ? ", ..." : "");
}

// Compares one rule set's findings; returns the differences as lines of text, by rule.
std::map<std::string, std::string> Compare(const Findings& cairn, const Findings& expected,
                                           const std::vector<const RuleInfo*>& compared) {
  std::map<std::string, std::string> differences;
  for (const RuleInfo* rule : compared) {
    static const std::set<std::string> kNone;
    static const std::set<std::tuple<std::string, std::string>> kNoPlaces;
    auto get = [](const auto& map, const std::string& key, const auto& none) -> const auto& {
      auto found = map.find(key);
      return found == map.end() ? none : found->second;
    };
    const auto& ours = get(cairn.children_by_rule, rule->code, kNone);
    const auto& theirs = get(expected.children_by_rule, rule->code, kNone);
    const auto& our_places = get(cairn.places_by_rule, rule->code, kNoPlaces);
    const auto& their_places = get(expected.places_by_rule, rule->code, kNoPlaces);
    std::set<std::string> only_ours;
    std::set<std::string> only_theirs;
    std::set_difference(ours.begin(), ours.end(), theirs.begin(), theirs.end(),
                        std::inserter(only_ours, only_ours.end()));
    std::set_difference(theirs.begin(), theirs.end(), ours.begin(), ours.end(),
                        std::inserter(only_theirs, only_theirs.end()));
    std::set<std::tuple<std::string, std::string>> places_ours;
    std::set<std::tuple<std::string, std::string>> places_theirs;
    std::set_difference(our_places.begin(), our_places.end(), their_places.begin(), their_places.end(),
                        std::inserter(places_ours, places_ours.end()));
    std::set_difference(their_places.begin(), their_places.end(), our_places.begin(), our_places.end(),
                        std::inserter(places_theirs, places_theirs.end()));
    if (only_ours.empty() && only_theirs.empty() && places_ours.empty() && places_theirs.empty()) continue;
    std::string text = fmt::format("rule {} ({} children both find, validator {}, Cairn {}):", rule->code,
                                   ours.size() - only_ours.size(), theirs.size(), ours.size());
    if (!only_ours.empty()) text += fmt::format(" {} only Cairn [{}];", only_ours.size(), Sample(only_ours));
    if (!only_theirs.empty()) text += fmt::format(" {} only the validator [{}];", only_theirs.size(), Sample(only_theirs));
    if (!places_ours.empty()) text += fmt::format(" places only Cairn: {} [{}];", places_ours.size(), Sample(places_ours));
    if (!places_theirs.empty()) {
      text += fmt::format(" places only the validator: {} [{}];", places_theirs.size(), Sample(places_theirs));
    }
    differences[rule->code] = text;
  }
  return differences;
}

struct RuleSetRun {
  ReturnKind kind;
  int rule_set_year;
  fs::path expected;
};

TEST(ValidateReferenceCases, CairnFindsWhatThePublicValidatorsFind) {
  ASSERT_TRUE(fs::is_directory(kCases)) << kCases;
  Result<const Catalogue*> catalogue = Catalogue::Embedded();
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  const std::set<std::string> only_rules = ListFromEnvironment("CAIRN_VALIDATE_RULES");
  const std::set<std::string> only_cases = ListFromEnvironment("CAIRN_VALIDATE_CASES");
  std::vector<Exception> exceptions = ReadExceptions();
  int cases_run = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCases)) {
    const fs::path case_file = entry.path() / "case.toml";
    if (!fs::exists(case_file)) continue;
    const std::string name = entry.path().filename().string();
    if (!only_cases.empty() && only_cases.count(name) == 0) continue;
    SCOPED_TRACE("case " + name);
    ++cases_run;
    const toml::table spec = toml::parse_file(case_file.string());
    ReturnFiles files;
    files.year = spec["year"].value_or(0);
    files.la_ons = spec["la_ons"].value_or(std::string());
    files.la_number = spec["la"].value_or(std::string());
    for (const toml::node& input : *spec["inputs"].as_array()) {
      files.files.push_back((entry.path() / *input.value<std::string>()).string());
    }
    for (const toml::node& input : *spec["previous_inputs"].as_array()) {
      files.previous_files.push_back((entry.path() / *input.value<std::string>()).string());
    }
    std::set<std::string> not_compared;
    for (const toml::node& code : *spec["not_compared"].as_array()) not_compared.insert(*code.value<std::string>());

    Result<LoadedReturns> loaded = LoadReturnFiles(files);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    if (loaded->ssda903) {
      ASSERT_TRUE(fs::exists(kPostcodes)) << kPostcodes;
      const std::set<std::string, std::less<>> wanted = PostcodesNeeded(*loaded);
      Result<geography::PostcodeDirectory> postcodes = geography::LoadPostcodeDirectory(kPostcodes.string(), &wanted);
      ASSERT_TRUE(postcodes.ok()) << postcodes.status().message();
      const Status added = AddPostcodeColumns(*loaded->ssda903, *postcodes);
      ASSERT_TRUE(added.ok()) << added.message();
    }

    std::vector<RuleSetRun> runs;
    if (const toml::table* ssda903 = spec["ssda903"].as_table()) {
      runs.push_back({ReturnKind::kSsda903, YearOfRuleSet((*ssda903)["ruleset"].value_or(std::string())),
                      entry.path() / spec["expected"].value_or(std::string("expected.csv"))});
    }
    if (const toml::table* cin = spec["cin"].as_table()) {
      runs.push_back({ReturnKind::kCinCensus, YearOfRuleSet((*cin)["ruleset"].value_or(std::string())),
                      entry.path() / spec["expected"].value_or(std::string("expected.csv"))});
    }
    if (const toml::array* also = spec["also"].as_array()) {
      for (const toml::node& node : *also) {
        const toml::table& other = *node.as_table();
        runs.push_back({other["return"].value_or(std::string()) == "cin" ? ReturnKind::kCinCensus : ReturnKind::kSsda903,
                        YearOfRuleSet(other["ruleset"].value_or(std::string())),
                        entry.path() / other["expected"].value_or(std::string())});
      }
    }
    for (const RuleSetRun& run : runs) {
      const std::optional<Return>& data = run.kind == ReturnKind::kSsda903 ? loaded->ssda903 : loaded->cin;
      ASSERT_TRUE(data.has_value()) << "the case has no " << ReturnKindName(run.kind) << " input";
      const std::vector<const RuleInfo*> rule_set = (*catalogue)->RuleSet(run.kind, run.rule_set_year);
      const Report report = Validate(*data, **catalogue, rule_set);
      std::vector<const RuleInfo*> compared;
      for (const RuleInfo* rule : rule_set) {
        if ((*catalogue)->LogicFor(*rule) == nullptr || not_compared.count(rule->code)) continue;
        if (!only_rules.empty() && only_rules.count(rule->code) == 0) continue;
        compared.push_back(rule);
      }
      const std::map<std::string, std::string> differences =
          Compare(FromReport(report), ReadExpected(run.expected), compared);
      std::string unexplained;
      for (const auto& [code, text] : differences) {
        bool explained = false;
        for (Exception& exception : exceptions) {
          if (exception.case_name == name && exception.rule == code) {
            exception.used = true;
            explained = true;
          }
        }
        if (!explained) unexplained += "\n  " + text;
      }
      EXPECT_TRUE(unexplained.empty()) << fmt::format("{} rule set {} ({} rules compared):{}", ReturnKindName(run.kind),
                                                      run.rule_set_year, compared.size(), unexplained);
      std::cout << fmt::format("[ case {} ] {} {}: {} rules compared, {} differ ({} explained in "
                               "reference_exceptions.toml)\n",
                               name, ReturnKindName(run.kind), run.rule_set_year, compared.size(), differences.size(),
                               differences.size() - std::count(unexplained.begin(), unexplained.end(), '\n'));
    }
  }
  EXPECT_GT(cases_run, 0);
  if (only_rules.empty() && only_cases.empty()) {
    for (const Exception& exception : exceptions) {
      EXPECT_TRUE(exception.used) << "reference_exceptions.toml: case " << exception.case_name << ", rule "
                                  << exception.rule << " no longer differs; remove the exception";
    }
  }
}

}  // namespace
}  // namespace cairn::validate
