// Reading one of the DfE's published files into rows of figures, without a database: the part of
// `cairn benchmarks import` that interprets outside data (fuzzed by fuzz/dfe_published_fuzz.cpp).
//
// Two layouts are read:
//  * The DfE statistics service's tidy CSV (and the ONS population file, which follows it): one row
//    per time_period, geographic_level, area and breakdown; the columns Cairn does not know as
//    geography, time or the file's breakdown ("filter") columns hold figures. Columns are found by
//    name, so their order may differ between files (some put la_name before new_la_code).
//  * The statistical neighbour groupings: one row per LA ("LA number"), its region ("GOReg") and
//    ten neighbours ("SN1".."SN10", each followed by its closeness, "SNP"). Its header repeats "SNP"
//    and ends with an empty name; those columns are renamed before parsing (the CSV reader wants
//    unique names), which changes no line or column number. A row with neither an LA number nor
//    neighbours (the published file's "Old SNs:" heading) is skipped.
//
// Every error is an InvalidArgument naming the file, the line and the column, e.g.
//   "b1_children_in_need_2013_to_2025.csv line 12, column At31_episodes: '12a' is neither a
//    number nor one of the DfE's symbols (c, k, low, u, x, z, :, .., ~)".
// Malformed means: a row with the wrong number of fields; a time_period that is not a four-digit
// year; an empty geographic_level, or an empty area code for its level (country_code, region_code,
// or an old_la_code that is not three digits); a figure that is neither a number, empty, nor a DfE
// symbol; two rows for the same period, area and breakdown; a missing key column (time_period,
// geographic_level, country_code, region_code, region_name, old_la_code, la_name, the file's
// filters). Rows at other geographic levels (local authority district, ...) are skipped.
//
// A children's service two councils share is published as one row whose old_la_code joins their
// numbers ("314 / 318", with la_name and new_la_code joined the same way): its figures are read as
// each council's, one DfeRow per council.
// Parsing is linear in the text and never crashes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cairn::benchmarks {

enum class DfeFileKind { kStatistics, kNeighbours };

// A DfE file Cairn reads: the start of its name and what its columns mean.
struct KnownDfeFile {
  std::string_view prefix;  // "b1_children_in_need"; a catalogue `file` names a file by such a start
  DfeFileKind kind = DfeFileKind::kStatistics;
  std::vector<std::string_view> filters;  // the breakdown columns, e.g. {"cla_group", "placement_stability"}
};

// Every file Cairn knows, statistics files first.
const std::vector<KnownDfeFile>& KnownDfeFiles();

// The ONS population file, and the row of it Cairn divides by.
inline constexpr std::string_view kPopulationPrefix = "ons_mid-year_population_estimates";
inline constexpr std::string_view kPopulationMeasure = "population_estimate";
inline constexpr std::string_view kPopulationAgeGroup = "Children aged 0 to 17 years";
// England's code in the files' country_code, which Cairn uses as the National area code.
inline constexpr std::string_view kEnglandCode = "E92000001";

inline constexpr std::string_view kNational = "National";
inline constexpr std::string_view kRegional = "Regional";
inline constexpr std::string_view kLocalAuthority = "Local authority";

// Which known file `file_name` is: a statistics file by the start of its name (the longest known
// prefix that matches; the name must end in .csv, and not .meta.csv), the neighbours file by its header (`first_line` holds "LA number" or
// "LA num" and "SN1"). nullptr when neither: not a file Cairn reads.
const KnownDfeFile* RecogniseDfeFile(std::string_view file_name, std::string_view first_line);

// One figure cell. A number has a value and mark ""; a withheld figure has no value and the DfE's
// symbol in `mark`, lower case without brackets ("[c]" -> "c"); an empty cell has neither.
struct DfeCell {
  std::optional<double> value;
  std::string mark;
};

// The cell `text` holds (surrounding spaces ignored), or nullopt when it is neither a finite
// decimal number, empty, nor a DfE symbol (c, k, low, u, x, z, :, .., ~, optionally in brackets).
std::optional<DfeCell> ParseDfeCell(std::string_view text);

// The canonical text of a breakdown (DfeRow::breakdown): a JSON object of column -> value, keys
// sorted, invalid UTF-8 replaced by U+FFFD. Equal breakdowns give equal text, so a lookup naming a
// value for every filter can compare the text.
std::string BreakdownText(const std::vector<std::pair<std::string, std::string>>& values);

// One row of a statistics file, at a level Cairn compares.
struct DfeRow {
  int line = 0;
  int time_period = 0;
  std::string_view level;  // kNational, kRegional or kLocalAuthority
  std::string area_code;   // kEnglandCode-like country code, region code, or 3-digit LA number
  std::string breakdown;   // BreakdownText of the filter columns' values; "{}" for none
  std::vector<DfeCell> cells;  // one per DfeFile::measures
};

// An area the rows name, with its details from the latest time_period that named it.
struct DfeArea {
  std::string_view level;
  std::string code;
  std::string name;
  std::string new_code;     // an LA's ONS code
  std::string region_code;  // an LA's region (may be Inner or Outer London)
  std::string region_name;
  int time_period = 0;
};

// One LA's statistical neighbours, in rank order (empty SN cells left out).
struct DfeNeighbours {
  int line = 0;
  std::string la_code;
  std::string la_name;
  std::string region_name;  // GOReg as published: "North West", "London (Inner)", ...
  std::vector<std::pair<std::string, std::string>> neighbours;  // {3-digit code, closeness}
};

struct DfeFile {
  const KnownDfeFile* known = nullptr;
  std::string file_name;
  std::vector<std::string> filters;   // as KnownDfeFile::filters
  std::vector<std::string> measures;  // the figure columns, in file order
  std::vector<DfeRow> rows;
  std::vector<DfeArea> areas;  // sorted by level and code, one each
  std::vector<DfeNeighbours> neighbours;
  int skipped_rows = 0;  // rows at a geographic level Cairn does not compare
  int first_year = 0;    // the rows' earliest and latest time_period (0 when no rows)
  int last_year = 0;
};

// Interprets `text` (the whole file) as the known file `known`; `file_name` names it in messages.
Result<DfeFile> ReadDfeFile(const KnownDfeFile& known, std::string_view file_name, std::string_view text);

}  // namespace cairn::benchmarks
