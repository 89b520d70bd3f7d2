// Fuzz target for the CSV reader and writer (src/returns/csv.h).
//
// Any bytes go to ParseCsv. It must return (never crash or hang), and whatever it returns must
// keep the header's promises; on a violation the target prints what broke and aborts, which
// libFuzzer reports as a crash and saves as a reproducer.
//  * An error names the source.
//  * A table has a non-empty header of trimmed, non-empty, unique names; every record has one
//    value per header name; record and problem lines increase, are after the header line and
//    within the text; no value holds a NUL byte.
//  * Writing the table with CsvWriter and parsing that text gives back the same header and
//    values, with no problems.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "returns/csv.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "csv_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

// Physical lines in `text`, counting "\r\n", lone "\r" and "\n" each as one ending.
int CountLines(std::string_view text) {
  int lines = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++lines;
  }
  return lines;
}

void CheckTable(const cairn::CsvTable& table, std::string_view text) {
  Check(table.source == "fuzz.csv", "source is the name passed in");
  Check(!table.header.empty(), "header is not empty");
  std::set<std::string> names;
  for (const std::string& name : table.header) {
    Check(!name.empty(), "header names are not empty");
    Check(name.find_first_of(" \t\r\n\v\f") != 0 && name.find_last_of(" \t\r\n\v\f") != name.size() - 1,
          "header names are trimmed", name);
    Check(names.insert(name).second, "header names are unique", name);
  }
  const int last_line = CountLines(text);
  Check(table.header_line >= 1 && table.header_line <= last_line, "header line is within the text");
  int previous = table.header_line;
  for (const cairn::CsvRecord& record : table.records) {
    Check(record.fields.size() == table.header.size(), "every record has one value per header name");
    Check(record.line > previous && record.line <= last_line, "record lines increase within the text",
          std::to_string(record.line));
    previous = record.line;
    for (const std::string& value : record.fields) Check(value.find('\0') == std::string::npos, "no NUL in values");
  }
  previous = table.header_line;
  for (const cairn::CsvProblem& problem : table.problems) {
    Check(problem.line > previous && problem.line <= last_line, "problem lines increase within the text");
    Check(problem.message.starts_with("fuzz.csv line " + std::to_string(problem.line) + ": "),
          "a problem names file and line", problem.message);
    previous = problem.line;
  }
}

void CheckRoundTrip(const cairn::CsvTable& table) {
  cairn::CsvWriter writer(table.header);  // throws (a crash here) if the parsed header is unwritable
  for (const cairn::CsvRecord& record : table.records) {
    cairn::Status added = writer.AddRow(record.fields);
    Check(added.ok(), "a parsed record can be written", added.message());
  }
  cairn::Result<cairn::CsvTable> again = cairn::ParseCsv(writer.text(), "fuzz.csv");
  Check(again.ok(), "written text parses", again.status().message());
  Check(again->header == table.header, "header round-trips");
  Check(again->problems.empty(), "written text has no problems");
  Check(again->records.size() == table.records.size(), "record count round-trips",
        std::to_string(again->records.size()) + " vs " + std::to_string(table.records.size()));
  for (std::size_t i = 0; i < table.records.size(); ++i) {
    Check(again->records[i].fields == table.records[i].fields, "values round-trip", std::to_string(i));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  cairn::Result<cairn::CsvTable> table = cairn::ParseCsv(text, "fuzz.csv");
  if (!table.ok()) {
    Check(table.status().message().starts_with("fuzz.csv "), "an error names the file", table.status().message());
    return 0;
  }
  CheckTable(*table, text);
  CheckRoundTrip(*table);
  return 0;
}
