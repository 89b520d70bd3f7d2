// Fuzz target for the findings and rejects writer (FormatProblemsCsv in src/returns/importer.h),
// the CSV files an analyst opens in a spreadsheet.
//
// The input is split at 0x1F (unit separator) into the eight texts of Problems (file, location,
// field, value, message, child, record, and a line number from the first byte), eight at a time.
// Checks, aborting on a violation:
//  * Formatting fails only when a text holds a NUL byte (which no CSV reader takes).
//  * The text parses back with ParseCsv: the writer's header, one record per problem, no
//    problems; every cell is NeutraliseForSpreadsheet of what was given, so no cell of the file
//    starts like a spreadsheet formula.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "returns/csv.h"
#include "returns/importer.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "problems_csv_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= input.size()) {
    const size_t end = input.find('\x1F', start);
    parts.emplace_back(input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::vector<cairn::returns::Problem> problems;
  bool has_nul = false;
  for (size_t i = 0; i + 7 <= parts.size(); i += 7) {
    cairn::returns::Problem problem;
    problem.line = parts[i].empty() ? 0 : static_cast<unsigned char>(parts[i][0]);
    problem.file = parts[i];
    problem.location = parts[i + 1];
    problem.field = parts[i + 2];
    problem.value = parts[i + 3];
    problem.message = parts[i + 4];
    problem.child = parts[i + 5];
    problem.record = parts[i + 6];
    for (size_t k = i; k < i + 7; ++k) has_nul = has_nul || parts[k].find('\0') != std::string::npos;
    problems.push_back(std::move(problem));
  }

  cairn::Result<std::string> text = cairn::returns::FormatProblemsCsv(problems);
  if (!text.ok()) {
    Check(has_nul, "formatting fails only for a NUL byte", text.status().ToString());
    return 0;
  }
  Check(!has_nul, "a NUL byte is refused");
  cairn::Result<cairn::CsvTable> table = cairn::ParseCsv(*text, "findings.csv");
  Check(table.ok(), "the file parses", table.ok() ? "" : table.status().ToString());
  const std::vector<std::string> header = {"file", "line", "location", "field", "value", "reason", "child", "record"};
  Check(table->header == header, "the header is the writer's");
  Check(table->problems.empty(), "every record has every column");
  Check(table->records.size() == problems.size(), "one record per problem");
  for (size_t i = 0; i < problems.size(); ++i) {
    const cairn::returns::Problem& p = problems[i];
    const std::vector<std::string> given = {p.file, p.line > 0 ? std::to_string(p.line) : "", p.location, p.field,
                                            p.value, p.message, p.child, p.record};
    const std::vector<std::string>& cells = table->records[i].fields;
    for (size_t c = 0; c < given.size(); ++c) {
      Check(cells[c] == cairn::NeutraliseForSpreadsheet(given[c]), "a cell is the neutralised value", header[c]);
      Check(!cairn::LooksLikeSpreadsheetFormula(cells[c]), "no cell starts like a formula", cells[c]);
    }
  }
  return 0;
}
