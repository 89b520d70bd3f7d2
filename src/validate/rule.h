// What a validation rule is, what it reads and what it reports.
//
// A rule's words (code, type, message, the tables and fields it concerns, the years it applies
// to) are data: data/validate/ssda903-rules.toml and cin-rules.toml, one [[rule]] per version as
// the DfE publishes them. Its logic is a small C++ function registered under the same code and
// the first year of the version (RuleLogic). The catalogue (catalogue.h) joins the two.
//
// A rule reads a Return (the tables of one return, the collection year and its dates, the
// council, the postcode directory and the calendar) and reports through RuleOutput:
//   * Flag(table, row): a row breaks the rule; the finding points at the rule's fields that
//     the table has (the SSDA903 validator's way);
//   * Flag(table, column, row): one value breaks it (the CIN validator's way);
//   * FlagReturn(): the return as a whole breaks it (the CIN census's header and LA-level rules);
//   * Skip(): the rule cannot run because a table it needs is absent (no finding, and the
//     report says it was not run).
// Rows are 0-based positions in the table, as the public validators number them.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "validate/table.h"

namespace cairn {
class WorkingDayCalendar;
}

namespace cairn::geography {
class PostcodeDirectory;
}

namespace cairn::validate {

enum class ReturnKind { kSsda903, kCinCensus };
enum class RuleType { kError, kQuery };

std::string_view ReturnKindName(ReturnKind kind);  // "SSDA903", "CIN census"
std::string_view RuleTypeName(RuleType type);      // "error", "query"

// One return's tables and what the rules need to know about it.
struct Return {
  ReturnKind kind = ReturnKind::kSsda903;
  // By the validators' names: "Header", "Episodes", ... and, for the SSDA903, the previous
  // year's tables as "Header_last", "Episodes_last", ... (and, on the record only, the care
  // leavers' episodes of earlier years as "Episodes_earlier"); for the CIN census "ChildIdentifiers",
  // "CINdetails", "Assessments", ...
  std::vector<Table> tables;
  int collection_year = 0;  // 2026 for April 2025 to March 2026
  Date collection_start;    // SSDA903: 1 April; CIN census: the day after ReferenceDate a year before
  Date collection_end;      // 31 March; CIN census: ReferenceDate
  std::string la_ons;       // "E08000014"; empty when not known
  std::string la_number;    // "343"; empty when not known
  // The postcodes the return names, when a directory was given (AddPostcodeColumns keeps a copy
  // of the few it needs); null otherwise.
  std::shared_ptr<const geography::PostcodeDirectory> postcodes;
  const WorkingDayCalendar* calendar = nullptr;  // never null once loaded

  const Table* Find(std::string_view name) const;
  Table* FindMutable(std::string_view name);
  // The column that names the child in `table`: "CHILD" (SSDA903) or "LAchildID" (CIN).
  std::string_view ChildColumn() const { return kind == ReturnKind::kSsda903 ? "CHILD" : "LAchildID"; }
};

// One rule as the DfE words it (one version of it).
struct RuleInfo {
  ReturnKind kind = ReturnKind::kSsda903;
  std::string code;
  RuleType type = RuleType::kError;
  int first_year = 0;  // collection years, inclusive
  int last_year = 0;
  std::string message;
  std::vector<std::string> tables;  // SSDA903: the tables the validator lists; CIN: the module
  std::vector<std::string> fields;
  std::string validator_file;  // the public validator's file for this version
  int line = 0;                // line of the [[rule]] in its data file

  bool AppliesTo(int year) const { return first_year <= year && year <= last_year; }
};

// One place that breaks a rule. It points into the Return's tables (which must outlive it), so
// flagging a row costs no copies; the text is read when the finding is shown.
struct Finding {
  static constexpr int kRuleFields = -1;  // `column`: every field of the rule the table has

  const RuleInfo* rule = nullptr;
  const Table* where = nullptr;  // null for a finding about the whole return
  std::size_t at_row = 0;
  int column = kRuleFields;      // an index into where->columns(), or kRuleFields
  const Table* return_first = nullptr;  // a finding about the whole return: a table of it, for the file

  bool about_return() const { return where == nullptr; }
  std::string_view table() const;            // "" for the whole return
  std::optional<std::size_t> row() const;    // nullopt for the whole return
  std::vector<std::string_view> columns() const;  // the columns pointed at
  std::vector<std::string_view> values() const;   // their values, one per column
  std::string_view child_id() const;         // "" when the row names no child
  std::string_view source() const;           // the file
  int line() const;                          // the line in that file (0 unknown)
};

class RuleOutput {
 public:
  RuleOutput(const Return& data, const RuleInfo& rule) : data_(data), rule_(rule) {}

  void Flag(std::string_view table, std::size_t row);
  void Flag(std::string_view table, std::string_view column, std::size_t row);
  void FlagReturn();
  void Skip() { skipped_ = true; }

  bool skipped() const { return skipped_; }
  std::vector<Finding>& findings() { return findings_; }

 private:
  const Table* TableNamed(std::string_view table) const;

  const Return& data_;
  const RuleInfo& rule_;
  bool skipped_ = false;
  std::vector<Finding> findings_;
};

using RuleCheck = void (*)(const Return& data, RuleOutput& out);

// The logic of one version of a rule: the code and the first collection year of the version
// it implements (the [[rule]] with the same code and years[0]).
struct RuleLogic {
  std::string_view code;
  int first_year = 0;
  RuleCheck check = nullptr;
};

}  // namespace cairn::validate
