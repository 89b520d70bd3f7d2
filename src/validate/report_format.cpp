#include "validate/report_format.h"

#include <xlsxwriter.h>

#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "base/display_text.h"
#include "base/json_text.h"
#include "returns/csv.h"

namespace cairn::validate {
namespace {

struct RuleSummary {
  const RuleInfo* rule = nullptr;
  std::size_t places = 0;
  std::set<std::string> children;
};

std::vector<RuleSummary> Summarise(const Report& report) {
  std::vector<RuleSummary> summary;
  std::map<const RuleInfo*, std::size_t> index;
  for (const Finding& finding : report.findings) {
    auto [at, added] = index.try_emplace(finding.rule, summary.size());
    if (added) summary.push_back({finding.rule, 0, {}});
    RuleSummary& entry = summary[at->second];
    ++entry.places;
    if (!finding.child_id().empty()) entry.children.insert(std::string(finding.child_id()));
  }
  return summary;
}

// One output row per column a finding points at (the validators' "exploded" layout); a finding
// with no column (a whole row, or the whole return) is one row with the column blank.
template <typename Emit>
void ForEachRow(const Report& report, Emit emit) {
  for (const Finding& finding : report.findings) {
    const std::vector<std::string_view> columns = finding.columns();
    if (columns.empty()) {
      emit(finding, std::string_view(), std::string_view());
      continue;
    }
    const std::vector<std::string_view> values = finding.values();
    for (std::size_t i = 0; i < columns.size(); ++i) emit(finding, columns[i], values[i]);
  }
}

std::string RowId(const Finding& finding) { return finding.row() ? std::to_string(*finding.row()) : std::string(); }

const std::vector<std::string>& Columns() {
  static const std::vector<std::string> columns = {"child_id",  "tables_affected",  "columns_affected",
                                                   "row_id",    "rule_code",        "rule_type",
                                                   "rule_description", "value_flagged", "file", "line"};
  return columns;
}

}  // namespace

std::string ReportCsv(const Report& report) {
  std::string csv;
  AppendCsvRow(Columns(), csv);
  std::vector<std::string> fields;
  ForEachRow(report, [&](const Finding& finding, std::string_view column, std::string_view value) {
    fields = {NeutraliseForSpreadsheet(finding.child_id()),
              std::string(finding.table()),
              std::string(column),
              RowId(finding),
              finding.rule->code,
              std::string(RuleTypeName(finding.rule->type)),
              finding.rule->message,
              NeutraliseForSpreadsheet(value),
              NeutraliseForSpreadsheet(finding.source()),
              finding.line() > 0 ? std::to_string(finding.line()) : std::string()};
    AppendCsvRow(fields, csv);
  });
  return csv;
}

std::string ReportJson(const Report& report) {
  std::string json = "{\"findings\":[";
  bool first = true;
  ForEachRow(report, [&](const Finding& finding, std::string_view column, std::string_view value) {
    if (!first) json += ',';
    first = false;
    json += "{\"child_id\":";
    AppendJsonStringRepairingUtf8(finding.child_id(), json);
    json += ",\"tables_affected\":";
    AppendJsonStringRepairingUtf8(finding.table(), json);
    json += ",\"columns_affected\":";
    AppendJsonStringRepairingUtf8(column, json);
    json += ",\"row_id\":";
    json += finding.row() ? std::to_string(*finding.row()) : "null";
    json += ",\"rule_code\":";
    AppendJsonStringRepairingUtf8(finding.rule->code, json);
    json += ",\"rule_type\":";
    AppendJsonStringRepairingUtf8(RuleTypeName(finding.rule->type), json);
    json += ",\"rule_description\":";
    AppendJsonStringRepairingUtf8(finding.rule->message, json);
    json += ",\"value_flagged\":";
    AppendJsonStringRepairingUtf8(value, json);
    json += ",\"file\":";
    AppendJsonStringRepairingUtf8(finding.source(), json);
    json += ",\"line\":";
    json += finding.line() > 0 ? std::to_string(finding.line()) : "null";
    json += '}';
  });
  json += "],\"summary\":[";
  first = true;
  for (const RuleSummary& entry : Summarise(report)) {
    if (!first) json += ',';
    first = false;
    json += "{\"rule_code\":";
    AppendJsonStringRepairingUtf8(entry.rule->code, json);
    json += ",\"rule_type\":";
    AppendJsonStringRepairingUtf8(RuleTypeName(entry.rule->type), json);
    json += fmt::format(",\"places\":{},\"children\":{},\"rule_description\":", entry.places, entry.children.size());
    AppendJsonStringRepairingUtf8(entry.rule->message, json);
    json += '}';
  }
  auto codes = [&json](std::string_view key, const std::vector<const RuleInfo*>& rules) {
    json += fmt::format(",\"{}\":[", key);
    for (std::size_t i = 0; i < rules.size(); ++i) {
      if (i > 0) json += ',';
      AppendJsonStringRepairingUtf8(rules[i]->code, json);
    }
    json += ']';
  };
  json += ']';
  codes("rules_skipped", report.skipped);
  codes("rules_not_written", report.not_written);
  json += "}\n";
  return json;
}

std::string ReportSummaryTable(const Report& report) {
  const std::vector<RuleSummary> summary = Summarise(report);
  std::string text;
  if (summary.empty()) {
    text += "No rule is broken.\n";
  } else {
    text += fmt::format("{:<10} {:<6} {:>7} {:>9}  {}\n", "rule", "type", "places", "children", "message");
    for (const RuleSummary& entry : summary) {
      std::string message = EscapeForDisplay(entry.rule->message);
      if (message.size() > 100) message = message.substr(0, 97) + "...";
      text += fmt::format("{:<10} {:<6} {:>7} {:>9}  {}\n", entry.rule->code, RuleTypeName(entry.rule->type),
                          entry.places, entry.children.size(), message);
    }
  }
  text += fmt::format("{} rules ran", report.run.size());
  if (!report.skipped.empty()) text += fmt::format("; {} could not run (a table they need was not given)", report.skipped.size());
  if (!report.not_written.empty()) text += fmt::format("; {} are not yet checked by Cairn", report.not_written.size());
  text += ".\n";
  return text;
}

Status WriteReportXlsx(const Report& report, const std::string& path) {
  const std::string part = path + ".part";
  lxw_workbook_options options{};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(part.c_str(), &options);
  if (workbook == nullptr) return Status::IoError(fmt::format("{}: cannot write a workbook here", path));
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_error error = LXW_NO_ERROR;
  auto keep = [&error](lxw_error result) {
    if (error == LXW_NO_ERROR) error = result;
  };
  auto text = [&keep](lxw_worksheet* sheet, lxw_row_t row, lxw_col_t column, std::string_view value,
                      lxw_format* format) {
    if (!value.empty()) keep(worksheet_write_string(sheet, row, column, XmlSafeText(value).c_str(), format));
  };
  lxw_worksheet* findings = workbook_add_worksheet(workbook, "Findings");
  for (std::size_t c = 0; c < Columns().size(); ++c) {
    text(findings, 0, static_cast<lxw_col_t>(c), Columns()[c], bold);
  }
  worksheet_freeze_panes(findings, 1, 0);
  lxw_row_t row = 1;
  ForEachRow(report, [&](const Finding& finding, std::string_view column, std::string_view value) {
    text(findings, row, 0, finding.child_id(), nullptr);
    text(findings, row, 1, finding.table(), nullptr);
    text(findings, row, 2, column, nullptr);
    if (finding.row()) keep(worksheet_write_number(findings, row, 3, static_cast<double>(*finding.row()), nullptr));
    text(findings, row, 4, finding.rule->code, nullptr);
    text(findings, row, 5, RuleTypeName(finding.rule->type), nullptr);
    text(findings, row, 6, finding.rule->message, nullptr);
    text(findings, row, 7, value, nullptr);
    text(findings, row, 8, finding.source(), nullptr);
    if (finding.line() > 0) keep(worksheet_write_number(findings, row, 9, finding.line(), nullptr));
    ++row;
  });
  lxw_worksheet* summary = workbook_add_worksheet(workbook, "Summary");
  const char* headings[] = {"rule_code", "rule_type", "places", "children", "rule_description"};
  for (lxw_col_t c = 0; c < 5; ++c) text(summary, 0, c, headings[c], bold);
  row = 1;
  for (const RuleSummary& entry : Summarise(report)) {
    text(summary, row, 0, entry.rule->code, nullptr);
    text(summary, row, 1, RuleTypeName(entry.rule->type), nullptr);
    keep(worksheet_write_number(summary, row, 2, static_cast<double>(entry.places), nullptr));
    keep(worksheet_write_number(summary, row, 3, static_cast<double>(entry.children.size()), nullptr));
    text(summary, row, 4, entry.rule->message, nullptr);
    ++row;
  }
  const lxw_error closed = workbook_close(workbook);
  if (error != LXW_NO_ERROR || closed != LXW_NO_ERROR) {
    std::remove(part.c_str());
    return Status::IoError(fmt::format("{}: the workbook could not be written ({})", path,
                                       lxw_strerror(error != LXW_NO_ERROR ? error : closed)));
  }
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    std::remove(part.c_str());
    return Status::IoError(fmt::format("{}: the workbook could not be put in place", path));
  }
  return Status::Ok();
}

}  // namespace cairn::validate
