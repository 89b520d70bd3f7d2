#include "returns/ssda903/checks.h"

#include <string_view>

namespace cairn::returns::ssda903 {
namespace {

using model::EventKind;

// Date rules per kind of event, by DfE validator rule number ("" where the validator has none
// but the check still makes sense). 2024/25 rule set.
struct DateRules {
  EventKind kind;
  std::string_view end_before_start;  // the end is before the start
  std::string_view before_birth;      // the start is before the child's DOB
  std::string_view start_after_year;  // the start is after 31 March of the collection year
  std::string_view end_after_year;    // the end is after 31 March of the collection year
};
constexpr DateRules kDateRules[] = {
    {EventKind::kLookedAfterEpisode, "356", "302", "", "385"},
    {EventKind::kClaReview, "", "", "", ""},
    {EventKind::kMissing, "567", "586", "570", "571"},
    {EventKind::kAdoptionDecision, "", "", "", ""},
    {EventKind::kPlacedForAdoption, "522", "184", "117", "117"},
    {EventKind::kSocialWorkerAllocation, "", "", "SW06STG2", "SW07STG2"},
    {EventKind::kDeprivationOfLiberty, "702", "708", "703", "704"},
};

// "Internal check" rules: a table's DOB differs from the Header's.
struct DobCopyRule {
  Table table;
  std::string_view rule;
};
constexpr DobCopyRule kDobCopyRules[] = {
    {Table::kAd1, "INT11"},      {Table::kPlacedAdoption, "INT12"}, {Table::kMissing, "INT13"},
    {Table::kOc2, "INT14"},      {Table::kOc3, "INT15"},            {Table::kPrevPerm, "INT16"},
    {Table::kReviews, "INT17"},  {Table::kUasc, "INT18"},
};

std::string RuleSuffix(std::string_view rule) {
  if (rule.empty()) return "";
  return " (DfE rule " + std::string(rule) + ")";
}

const DateRules* RulesFor(EventKind kind) {
  for (const DateRules& rules : kDateRules) {
    if (rules.kind == kind) return &rules;
  }
  return nullptr;
}

std::string_view DobCopyRuleFor(Table table) {
  for (const DobCopyRule& rule : kDobCopyRules) {
    if (rule.table == table) return rule.rule;
  }
  return "";
}

std::string Dmy(std::optional<Date> date) { return date ? date->ToDmy() : std::string(); }

std::string Value(const TableSpec& table, const RawRecord& record, std::string_view column) {
  const std::optional<std::size_t> index = ColumnIndex(table, column);
  if (!index || *index >= record.values.size()) return {};
  return record.values[*index];
}

// A table's copy of DOB against the Header's: the copy is never stored, so a copy that differs
// (or is not a date at all) is a finding, and the Header's DOB stands.
void CheckDobCopy(const TableSpec& table, const RawRecord& record, const model::Child& child,
                  std::vector<Problem>& findings) {
  const std::string dob = Value(table, record, "DOB");
  if (dob.empty()) return;
  const std::string rule = RuleSuffix(DobCopyRuleFor(table.table));
  Result<Date> parsed = Date::ParseDmy(dob);
  if (!parsed.ok()) {
    // Dates of birth go in the value, never the message: the terminal shows messages.
    findings.push_back(ProblemAt(record, "DOB", dob + " (Header: " + Dmy(child.birth_date) + ")",
                                 "this table's DOB is not a date" + rule + "; the Header's DOB is kept",
                                 child.la_child_id));
  } else if (!child.birth_date || *parsed != *child.birth_date) {
    findings.push_back(ProblemAt(record, "DOB", dob + " (Header: " + Dmy(child.birth_date) + ")",
                                 "DOB differs from the Header's for this child" + rule + "; the Header's is kept",
                                 child.la_child_id));
  }
}

}  // namespace

Problem ProblemAt(const RawRecord& record, std::string field, std::string value, std::string message,
                  std::string child) {
  Problem problem;
  problem.file = record.file;
  problem.line = record.line;
  problem.location = record.location;
  problem.field = std::move(field);
  // Shortened if huge, so one absurd value cannot bloat a report.
  constexpr std::size_t kMaxValue = 200;
  if (value.size() > kMaxValue) value = value.substr(0, kMaxValue) + "...";
  problem.value = std::move(value);
  problem.message = std::move(message);
  problem.child = std::move(child);
  problem.record = record.text;
  return problem;
}

RecordChecks::RecordChecks(const CodeLists& codes, int collection_year)
    : codes_(codes),
      year_(collection_year),
      year_end_(model::CollectionYear{collection_year}.end()) {
  for (const TableSpec& table : AllTables()) {
    std::vector<const CodeList*> per_column;
    for (std::string_view column : table.columns) per_column.push_back(codes.For(column, collection_year));
    lists_.push_back(std::move(per_column));
  }
}

void RecordChecks::CheckCodes(const TableSpec& table, const RawRecord& record, const std::string& child,
                              std::vector<Problem>& findings) const {
  const std::vector<const CodeList*>& lists = lists_[static_cast<std::size_t>(table.table)];
  for (std::size_t i = 0; i < table.columns.size() && i < record.values.size(); ++i) {
    const CodeList* list = lists[i];
    const std::string& value = record.values[i];
    if (list == nullptr || value.empty() || list->Contains(value)) continue;
    findings.push_back(ProblemAt(record, std::string(table.columns[i]), value,
                                 "'" + value + "' is not one of the DfE's " + std::string(table.columns[i]) + " codes for " +
                                     YearLabel(year_) + RuleSuffix(list->rule) + "; it is kept as given",
                                 child));
  }
}

void RecordChecks::CheckHeader(const model::Child& child, const RawRecord& record,
                               std::vector<Problem>& findings) const {
  const TableSpec& table = SpecOf(Table::kHeader);
  const std::string& id = child.la_child_id;
  CheckCodes(table, record, id, findings);
  if (!child.birth_date) {
    findings.push_back(ProblemAt(record, "DOB", "", "DOB is blank; every child needs a date of birth" + RuleSuffix("102"),
                                 id));
  } else if (*child.birth_date > year_end_) {
    findings.push_back(ProblemAt(record, "DOB", child.birth_date->ToDmy(),
                                 "the date of birth is after the end of the collection year (" + year_end_.ToDmy() +
                                     ")" + RuleSuffix("301"),
                                 id));
  }
  if (child.upn.empty()) {
    findings.push_back(ProblemAt(record, "UPN", "",
                                 "UPN is blank; give the pupil number or a code saying why it is not known" +
                                     RuleSuffix("442"),
                                 id));
  } else if (child.upn.size() != codes_.upn_length && !ContainsIgnoringCase(codes_.upn_unknown_codes, child.upn)) {
    findings.push_back(ProblemAt(record, "UPN", child.upn,
                                 "a UPN has " + std::to_string(codes_.upn_length) +
                                     " characters, or is one of the codes for a UPN that is not known" +
                                     RuleSuffix("168"),
                                 id));
  }
}

void RecordChecks::CheckUasc(const model::Child& child, const RawRecord& record,
                             std::vector<Problem>& findings) const {
  const TableSpec& table = SpecOf(Table::kUasc);
  const std::string sex = Value(table, record, "SEX");
  if (!sex.empty() && sex != child.sex) {
    findings.push_back(ProblemAt(record, "SEX", sex,
                                 "SEX differs from the Header's ('" + child.sex + "') for this child" +
                                     RuleSuffix("INT18") + "; the Header's is kept",
                                 child.la_child_id));
  }
  CheckDobCopy(table, record, child, findings);
}

void RecordChecks::CheckEvent(const TableSpec& table, const model::Event& event, const model::Child& child,
                              const RawRecord& record, std::vector<Problem>& findings) const {
  const std::string& id = child.la_child_id;
  const model::EventKindSpec& kind = model::Spec(event.kind);
  CheckCodes(table, record, id, findings);

  CheckDobCopy(table, record, child, findings);

  // Date order, birth and the end of the year, for events that carry their own dates.
  if (const DateRules* rules = RulesFor(event.kind); rules != nullptr && !kind.start_field.empty()) {
    const std::string start_name(kind.start_field);
    if (event.end && *event.end < event.start) {
      // Dates stay in the value (the findings file), out of the message (the terminal).
      findings.push_back(ProblemAt(record, std::string(kind.end_field),
                                   event.end->ToDmy() + " (" + start_name + ": " + event.start.ToDmy() + ")",
                                   std::string(kind.end_field) + " is before " + start_name +
                                       RuleSuffix(rules->end_before_start),
                                   id));
    }
    if (child.birth_date && event.start < *child.birth_date) {
      findings.push_back(ProblemAt(record, start_name,
                                   event.start.ToDmy() + " (DOB: " + child.birth_date->ToDmy() + ")",
                                   start_name + " is before the child's date of birth" + RuleSuffix(rules->before_birth),
                                   id));
    }
    if (event.start > year_end_) {
      findings.push_back(ProblemAt(record, start_name, event.start.ToDmy(),
                                   start_name + " is after the end of the collection year (" + year_end_.ToDmy() +
                                       ")" + RuleSuffix(rules->start_after_year),
                                   id));
    }
    if (event.end && *event.end > year_end_) {
      findings.push_back(ProblemAt(record, std::string(kind.end_field), event.end->ToDmy(),
                                   std::string(kind.end_field) + " is after the end of the collection year (" +
                                       year_end_.ToDmy() + ")" + RuleSuffix(rules->end_after_year),
                                   id));
    }
  }

  if (event.kind == EventKind::kAdoptionDecision) {
    const std::optional<Date> match = event.GetDate("DATE_MATCH");
    if (match && *match < event.start) {
      findings.push_back(ProblemAt(record, "DATE_MATCH", match->ToDmy() + " (DATE_INT: " + event.start.ToDmy() + ")",
                                   "DATE_MATCH is before DATE_INT: a child is matched with adopters after the "
                                   "decision to place them" +
                                       RuleSuffix("333"),
                                   id));
    }
  }

  if (event.kind == EventKind::kLookedAfterEpisode) {
    const bool has_dec = event.end.has_value();
    const bool has_rec = !event.Get("REC").empty();
    if (has_dec != has_rec) {
      findings.push_back(ProblemAt(record, has_dec ? "REC" : "DEC", "",
                                   has_dec ? "DEC is given but REC is blank; give both or neither" + RuleSuffix("148")
                                           : "REC is given but DEC is blank; give both or neither" + RuleSuffix("148"),
                                   id));
    }
    // Rule 392b: HOME_POST and PL_POST are wanted unless the legal status is a short break
    // (V3, V4) or the child is or was UASC.
    const bool exempt = child.uasc || ContainsIgnoringCase(codes_.legal_status_without_postcodes, event.Get("LS"));
    if (!exempt) {
      for (std::string_view field : {std::string_view("HOME_POST"), std::string_view("PL_POST")}) {
        if (!event.Get(field).empty()) continue;
        findings.push_back(ProblemAt(record, std::string(field), "",
                                     std::string(field) +
                                         " is blank; a looked-after child's episode needs the home and placement "
                                         "postcodes" +
                                         RuleSuffix("392b"),
                                     id));
      }
    }
  }
}

}  // namespace cairn::returns::ssda903
