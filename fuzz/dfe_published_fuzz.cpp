// Fuzz target for reading the DfE's published files (src/benchmarks/dfe_file.h), the outside data
// `cairn benchmarks import` interprets row by row.
//
// The first byte picks which known file the rest is read as (KnownDfeFiles(), modulo their
// number); the rest goes to ReadDfeFile as the file's text. It must return (never crash or hang),
// and whatever it returns must keep the header's promises; on a violation the target prints what
// broke and aborts.
//  * An error is an InvalidArgument (or the CSV reader's error) naming the file.
//  * Statistics: at least one figure column; every row has one cell per figure column; its level is
//    National, Regional or Local authority with a non-empty area code (an LA's three digits); its
//    time_period is a four-digit year within first_year..last_year; lines increase; its breakdown
//    is a JSON object whose keys are the file's filters; a cell with a value has no mark, and the
//    value is finite. Areas are one per level and code.
//  * Neighbours: every LA and neighbour code is three digits; no LA twice.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "benchmarks/dfe_file.h"

namespace {

using cairn::benchmarks::DfeFile;
using cairn::benchmarks::DfeFileKind;

[[noreturn]] void Fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "dfe_published_fuzz: invariant broken: %s %s\n", what, detail.c_str());
  std::abort();
}

void Check(bool ok, const char* what, const std::string& detail = "") {
  if (!ok) Fail(what, detail);
}

bool IsLaCode(std::string_view code) {
  return code.size() == 3 && code.find_first_not_of("0123456789") == std::string_view::npos;
}

void CheckStatistics(const DfeFile& file) {
  Check(!file.measures.empty(), "a statistics file has a figure column");
  int previous_line = 0;
  for (const auto& row : file.rows) {
    Check(row.cells.size() == file.measures.size(), "one cell per figure column");
    Check(row.level == cairn::benchmarks::kNational || row.level == cairn::benchmarks::kRegional ||
              row.level == cairn::benchmarks::kLocalAuthority,
          "a compared level", std::string(row.level));
    Check(!row.area_code.empty(), "an area code");
    if (row.level == cairn::benchmarks::kLocalAuthority) Check(IsLaCode(row.area_code), "an LA number", row.area_code);
    Check(row.time_period >= 0 && row.time_period <= 9999, "a four-digit year");
    Check(row.time_period >= file.first_year && row.time_period <= file.last_year, "year within first..last");
    Check(row.line > previous_line, "lines increase");
    previous_line = row.line;
    const nlohmann::json breakdown = nlohmann::json::parse(row.breakdown, nullptr, false);
    Check(breakdown.is_object() && breakdown.size() == file.filters.size(), "breakdown is an object of the filters",
          row.breakdown);
    for (const std::string& filter : file.filters) Check(breakdown.contains(filter), "breakdown has each filter");
    for (const auto& cell : row.cells) {
      if (cell.value) {
        Check(cell.mark.empty(), "a value has no mark");
        Check(std::isfinite(*cell.value), "values are finite");
      }
    }
  }
  std::set<std::pair<std::string, std::string>> areas;
  for (const auto& area : file.areas) {
    Check(areas.insert({std::string(area.level), area.code}).second, "areas are one each", area.code);
  }
}

void CheckNeighbours(const DfeFile& file) {
  std::set<std::string> las;
  for (const auto& la : file.neighbours) {
    Check(IsLaCode(la.la_code), "an LA number", la.la_code);
    Check(las.insert(la.la_code).second, "no LA twice", la.la_code);
    for (const auto& [code, closeness] : la.neighbours) Check(IsLaCode(code), "a neighbour's LA number", code);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& known_files = cairn::benchmarks::KnownDfeFiles();
  const auto& known = known_files[data[0] % known_files.size()];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  cairn::Result<DfeFile> file = cairn::benchmarks::ReadDfeFile(known, "fuzz.csv", text);
  if (!file.ok()) {
    Check(file.status().message().starts_with("fuzz.csv "), "an error names the file", file.status().message());
    return 0;
  }
  Check(file->file_name == "fuzz.csv" && file->known == &known, "the file is the one asked for");
  if (known.kind == DfeFileKind::kNeighbours) {
    CheckNeighbours(*file);
  } else {
    CheckStatistics(*file);
  }
  return 0;
}
