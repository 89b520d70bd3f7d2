// Golden tests: hand-worked cases as data files under tests/golden/timescales/. Each file holds
// one or more children's chronologies and cases: an as-at date, the rules (and signals) the case
// is about, and the exact obligations (and signals) expected for them. The working behind each
// expected date is written in the file's comments. A case fails on any obligation missing,
// extra or different.
//
//   [[child]]                       id, birth_date, death_date
//   [[child.event]]                 ref (to name it as a parent), kind, start, end, parent,
//                                   source (default "cairn"), fields = { NAME = "value" }
//   [[case]]                        child, as_at, rules = [...], signals = [...], local = '''...'''
//   [[case.obligation]]             rule, trigger, due, done (absent: none), status, days
//   [[case.signal]]                 signal, since, evidence (optional: how many items)
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "model/chronology.h"
#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace cairn::timescales {
namespace {

std::filesystem::path GoldenDir() { return std::filesystem::path(CAIRN_SOURCE_DIR) / "tests" / "golden" / "timescales"; }

std::vector<std::string> GoldenFiles() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir(), error)) {
    if (entry.path().extension() == ".toml") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

Date DateOf(const toml::node* node, const std::string& where) {
  if (node != nullptr) {
    if (const auto* date = node->as_date()) {
      return Date::FromYmdOrDie(date->get().year, date->get().month, date->get().day);
    }
    if (const auto* text = node->as_string()) {
      Result<Date> parsed = Date::ParseIso(text->get());
      if (parsed.ok()) return *parsed;
    }
  }
  ADD_FAILURE() << where << ": expected a date";
  return Date();
}

std::optional<Date> OptionalDateOf(const toml::table& table, std::string_view key, const std::string& where) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return std::nullopt;
  return DateOf(node, where + "." + std::string(key));
}

std::string StringOf(const toml::table& table, std::string_view key, std::string fallback = {}) {
  return table[key].value_or(fallback);
}

// One obligation or signal as a comparable line: "rule trigger due done status days".
std::string Line(const RuleSet& rules, const Obligation& obligation) {
  return rules.rules()[obligation.rule].id + " trigger " + obligation.trigger.ToIso() + " due " +
         obligation.due.ToIso() + " done " + (obligation.done ? obligation.done->ToIso() : "-") + " " +
         std::string(StatusName(obligation.status)) + " " + std::to_string(obligation.days);
}

bool SameLines(std::vector<std::string> expected, std::vector<std::string> actual) {
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  return expected == actual;
}

// What was expected but not produced, and produced but not expected.
std::string Difference(std::vector<std::string> expected, std::vector<std::string> actual) {
  std::sort(expected.begin(), expected.end());
  std::sort(actual.begin(), actual.end());
  std::vector<std::string> missing;
  std::vector<std::string> unexpected;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::back_inserter(unexpected));
  std::string text = "expected but not produced:\n";
  for (const std::string& line : missing) text += "  " + line + "\n";
  text += "produced but not expected:\n";
  for (const std::string& line : unexpected) text += "  " + line + "\n";
  return text;
}

class GoldenFile : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenFile, Matches) {
  const std::filesystem::path path = GoldenDir() / (GetParam() + ".toml");
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& error) {
    FAIL() << path << " line " << error.source().begin.line << ": " << error.description();
  }
  const WorkingDayCalendar calendar = WorkingDayCalendar::EnglandAndWales().value();

  std::map<std::string, model::Chronology> children;
  const toml::array* child_list = root["child"].as_array();
  ASSERT_NE(child_list, nullptr) << path << ": no [[child]]";
  for (const toml::node& child_node : *child_list) {
    const toml::table& child_table = *child_node.as_table();
    model::Child child;
    child.la_child_id = StringOf(child_table, "id");
    child.birth_date = OptionalDateOf(child_table, "birth_date", child.la_child_id);
    child.death_date = OptionalDateOf(child_table, "death_date", child.la_child_id);
    model::Chronology chronology(child);
    std::map<std::string, int32_t> refs;
    if (const toml::array* events = child_table["event"].as_array()) {
      for (const toml::node& event_node : *events) {
        const toml::table& table = *event_node.as_table();
        const std::string where = child.la_child_id + " event " + std::to_string(chronology.events().size() + 1);
        Result<model::EventKind> kind = model::EventKindFromId(StringOf(table, "kind"));
        ASSERT_TRUE(kind.ok()) << where << ": " << kind.status().message();
        model::Event event{.kind = *kind, .start = DateOf(table.get("start"), where + ".start")};
        event.end = OptionalDateOf(table, "end", where);
        if (const std::string parent = StringOf(table, "parent"); !parent.empty()) {
          ASSERT_TRUE(refs.count(parent)) << where << ": parent '" << parent << "' is not an earlier event's ref";
          event.parent = refs[parent];
        }
        event.provenance.source = StringOf(table, "source", "cairn");
        if (const toml::table* fields = table["fields"].as_table()) {
          for (const auto& [name, value] : *fields) {
            ASSERT_TRUE(value.is_string()) << where << ": field " << name.str() << " must be text";
            event.Set(name.str(), value.as_string()->get());
          }
        }
        const int32_t index = chronology.Add(std::move(event));
        if (const std::string ref = StringOf(table, "ref"); !ref.empty()) refs[ref] = index;
      }
    }
    children.emplace(child.la_child_id, std::move(chronology));
  }

  const toml::array* cases = root["case"].as_array();
  ASSERT_NE(cases, nullptr) << path << ": no [[case]]";
  int case_number = 0;
  for (const toml::node& case_node : *cases) {
    ++case_number;
    const toml::table& test = *case_node.as_table();
    const std::string child_id = StringOf(test, "child");
    const std::string where = path.filename().string() + " case " + std::to_string(case_number) + " (" + child_id + ")";
    SCOPED_TRACE(where);
    ASSERT_TRUE(children.count(child_id)) << "no child " << child_id;
    const Date as_at = DateOf(test.get("as_at"), where + ".as_at");

    RuleSet rules = RuleSet::England(calendar).value();
    if (const std::string local = StringOf(test, "local"); !local.empty()) {
      const Status applied = rules.ApplyOverrides(local, "local", calendar);
      ASSERT_TRUE(applied.ok()) << applied.message();
    }
    Result<Evaluator> evaluator = Evaluator::Create(std::move(rules), calendar);
    ASSERT_TRUE(evaluator.ok()) << evaluator.status().message();
    const ChildEvaluation result = evaluator->Evaluate(children.at(child_id), as_at);

    std::vector<std::string> rule_ids;
    if (const toml::array* list = test["rules"].as_array()) {
      for (const toml::node& id : *list) {
        rule_ids.push_back(id.value_or(std::string()));
        ASSERT_TRUE(evaluator->rules().FindRule(rule_ids.back()).has_value()) << "unknown rule " << rule_ids.back();
      }
    }
    std::vector<std::string> expected;
    if (const toml::array* list = test["obligation"].as_array()) {
      for (const toml::node& node : *list) {
        const toml::table& row = *node.as_table();
        const std::string rule = StringOf(row, "rule");
        EXPECT_NE(std::find(rule_ids.begin(), rule_ids.end(), rule), rule_ids.end())
            << "expected obligation for " << rule << ", which is not in this case's rules list";
        const std::optional<Date> done = OptionalDateOf(row, "done", where);
        expected.push_back(rule + " trigger " + DateOf(row.get("trigger"), where).ToIso() + " due " +
                           DateOf(row.get("due"), where).ToIso() + " done " + (done ? done->ToIso() : "-") + " " +
                           StringOf(row, "status") + " " + std::to_string(row["days"].value_or(int64_t{-999})));
      }
    }
    std::vector<std::string> actual;
    for (const Obligation& obligation : result.obligations) {
      const std::string& id = evaluator->rules().rules()[obligation.rule].id;
      if (std::find(rule_ids.begin(), rule_ids.end(), id) != rule_ids.end()) actual.push_back(Line(evaluator->rules(), obligation));
    }
    EXPECT_TRUE(SameLines(expected, actual)) << Difference(expected, actual);

    std::vector<std::string> signal_ids;
    if (const toml::array* list = test["signals"].as_array()) {
      for (const toml::node& id : *list) {
        signal_ids.push_back(id.value_or(std::string()));
        ASSERT_TRUE(evaluator->rules().FindSignal(signal_ids.back()).has_value()) << "unknown signal " << signal_ids.back();
      }
    }
    std::vector<std::string> expected_signals;
    bool count_evidence = false;
    if (const toml::array* list = test["signal"].as_array()) {
      for (const toml::node& node : *list) {
        const toml::table& row = *node.as_table();
        std::string line = StringOf(row, "signal") + " since " + DateOf(row.get("since"), where).ToIso();
        if (const auto count = row["evidence"].value<int64_t>()) {
          line += " evidence " + std::to_string(*count);
          count_evidence = true;
        }
        expected_signals.push_back(line);
      }
    }
    std::vector<std::string> actual_signals;
    for (const DriftSignal& signal : result.signals) {
      const std::string& id = evaluator->rules().signals()[signal.signal].id;
      if (std::find(signal_ids.begin(), signal_ids.end(), id) == signal_ids.end()) continue;
      std::string line = id + " since " + signal.since.ToIso();
      if (count_evidence) line += " evidence " + std::to_string(signal.evidence.size());
      actual_signals.push_back(line);
    }
    EXPECT_TRUE(SameLines(expected_signals, actual_signals)) << Difference(expected_signals, actual_signals);
  }
  EXPECT_GT(case_number, 0);
}

std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Timescale, GoldenFile, ::testing::ValuesIn(GoldenFiles()), TestName);

TEST(TimescaleGolden, TheGoldenCasesAreThere) {
  // The acceptance cases must not silently disappear.
  const std::vector<std::string> files = GoldenFiles();
  for (const char* name : {"icpc-state-funeral", "cla-reviews-christmas", "month-end-clamp", "health-turning-five",
                           "placement-first-year", "plan-ends-before-deadline", "as-at-past-date"}) {
    EXPECT_NE(std::find(files.begin(), files.end(), name), files.end()) << name;
  }
}

}  // namespace
}  // namespace cairn::timescales
