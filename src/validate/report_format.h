// A validation report as the public validators lay theirs out, so an analyst's existing
// spreadsheets and scripts keep working: one row per rule, place and column, with the columns
//   child_id, tables_affected, columns_affected, row_id, rule_code, rule_type,
//   rule_description, value_flagged
// and, Cairn's own, the file and line the row came from. A summary by rule follows in table form.
#pragma once

#include <string>

#include "validate/validator.h"

namespace cairn::validate {

// CSV (spreadsheet-safe: values that look like formulas are neutralised).
std::string ReportCsv(const Report& report);
// {"findings": [...], "summary": [...], "rules_skipped": [...], "rules_not_written": [...]}.
std::string ReportJson(const Report& report);
// The summary by rule, one line each, for a terminal: code, type, places, children, message.
std::string ReportSummaryTable(const Report& report);
// The findings and the summary as two sheets of an Excel workbook at `path`.
Status WriteReportXlsx(const Report& report, const std::string& path);

}  // namespace cairn::validate
