// Obligations and drift signals written out: one JSON object per line, CSV, or the cells of a
// table. The CLI (`cairn due`, `cairn drift`) and, later, the web use these, so every consumer
// sees the same keys.
//
// JSON lines (keys always present, in this order):
//   {"child":"C1","rule":"cp.visit","trigger":"2024-01-02","due":"2024-01-16","done":null,"status":"overdue","days":3}
//   {"child":"C1","signal":"drift.cp-plan-2y","since":"2024-03-01","evidence":[{"what":"cp-plan",
//    "date":"2022-03-01","end":null,"note":""}]}
// Strings are written as cairn::AppendJsonString writes them; bytes that are not well-formed
// UTF-8 (an id imported from a file in another encoding) become U+FFFD, one per byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "timescales/evaluator.h"
#include "timescales/rules.h"

namespace cairn::timescales {

std::string ObligationJson(std::string_view child, const Obligation& obligation, const RuleSet& rules);
std::string SignalJson(std::string_view child, const DriftSignal& signal, const RuleSet& rules);

// CSV, each line as FormatCsvFields (returns/csv.h) writes it: fields with commas, quotes, line
// breaks, leading or trailing blanks or a byte order mark are quoted. No trailing newline.
std::string ObligationCsvHeader();  // child,rule,trigger,due,done,status,days
std::string ObligationCsv(std::string_view child, const Obligation& obligation, const RuleSet& rules);
std::string SignalCsvHeader();  // child,signal,since,evidence
std::string SignalCsv(std::string_view child, const DriftSignal& signal, const RuleSet& rules);

// Cells for a text table, in the CSV's column order; "-" for an absent date.
std::vector<std::string> ObligationCells(std::string_view child, const Obligation& obligation, const RuleSet& rules);
std::vector<std::string> SignalCells(std::string_view child, const DriftSignal& signal, const RuleSet& rules);

// "cp-plan 2022-03-01 to 2023-01-02 (previous plan)": one piece of evidence in words.
std::string DescribeEvidence(const Evidence& evidence);

}  // namespace cairn::timescales
