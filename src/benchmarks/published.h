// The DfE's published statistics in Cairn's database: `cairn benchmarks import` loads them, and
// `cairn indicators` asks for the figures a council's own are compared with (England, its region,
// its statistical neighbours).
//
//   CAIRN_ASSIGN_OR_RETURN(auto summary, benchmarks::ImportPublished(db, "/data/dfe"));
//   CAIRN_ASSIGN_OR_RETURN(auto comparison, benchmarks::Compare(db, *spec.published, 2025, "343"));
//
// Figures are stored as published, one per file, period, area, breakdown and column (tables in
// store/migrations/0003_benchmarks.sql), so an indicator added to the catalogue that reads another
// column or breakdown of an imported file works without code or a re-import. Every function needs
// a database migrated to at least 0003 (store::Migrate).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "indicators/catalogue.h"
#include "store/database.h"

namespace cairn::benchmarks {

struct ImportSummary {
  int files = 0;         // DfE files read (statistics, population and neighbours files)
  int64_t figures = 0;   // cells stored, withheld ones included
  int areas = 0;         // England, regions and local authorities named
  int first_year = 0;    // the earliest and latest time_period among the figures
  int last_year = 0;
  std::vector<std::string> ignored_files;  // file names in `dir` that are not DfE files Cairn reads
};

// Reads every DfE file in `dir` (as in the reference dfe folder: the DfE statistics service's tidy
// CSVs, the ONS population file, the statistical neighbour groupings), replacing whatever an earlier
// import loaded, in one transaction: all or nothing. Files are recognised as dfe_file.h describes;
// any other file is listed in ignored_files, and sub-folders are not read. `progress` gets one line
// per file, in name order.
// Errors (the database is then unchanged): NotFound when `dir` does not exist; InvalidArgument when
// it holds no DfE file Cairn reads, when two files are the same DfE file (two releases of b1), or
// when a file is malformed (the message names the file, line and column; see dfe_file.h); IoError
// when a file cannot be read; the database's own errors.
Result<ImportSummary> ImportPublished(store::Connection& db, const std::filesystem::path& dir,
                                      const std::function<void(std::string_view)>& progress = {});

// One published figure (its marks are described with the type in indicators/catalogue.h).
using Figure = indicators::PublishedFigure;

struct Comparison {
  Figure council;
  Figure england;
  Figure region;
  Figure neighbours;           // the mean of the neighbours that have a value
  int neighbours_counted = 0;  // how many neighbours had one
  std::string region_name;     // "" when the council's region is not known
  std::string region_code;
  int time_period = 0;         // the file's year looked up: reporting_year + source.year_offset
};

// The published figures for one catalogue indicator in `reporting_year` (Cairn's year: the year in
// which the reporting year ends): the council's own (`la_code`, the DfE's 3-digit LA number),
// England's, its region's, and the mean of its statistical neighbours' figures (over those with a
// value; when none has one, value nullopt and mark "c" if any neighbour's figure was withheld,
// "missing" if none was published or the council has no neighbours imported). The row is the one of `source.file` (the imported file whose name
// starts so) at time_period = reporting_year + source.year_offset whose breakdown matches every
// `source.where` pair.
// For source.per_10000, each area's figure is its `source.column` / its ONS 0-17 population of
// time_period - 1 (the mid-year estimate before the year ends) x 10,000, computed per area and then
// averaged over neighbours; when the count is withheld its mark is kept, and when the population is
// not there the figure is withheld with the population's mark ("missing" if no row).
// Errors: InvalidArgument for a la_code that is not three digits, a column or `where` column the
// file does not have, or a `where` that leaves more than one row; NotFound when no file whose name
// starts with source.file has been imported (run `cairn benchmarks import`).
Result<Comparison> Compare(store::Connection& db, const indicators::PublishedSource& source, int reporting_year,
                           std::string_view la_code);

// The ONS mid-year 0-17 estimate for an LA (3-digit code) and year (the ONS file's time_period,
// i.e. the mid-year: 2023 is mid-2023); nullopt when not imported or withheld.
Result<std::optional<double>> Population(store::Connection& db, std::string_view la_code, int ons_year);

// The ONS mid-year estimate a year's counts are divided by for a rate per 10,000: the one before
// the year ends (mid-2023 for the year to 31 March 2024), the basis the DfE uses.
constexpr int PopulationYearFor(int year_ending) { return year_ending - 1; }

// The LA's statistical neighbours (3-digit codes), closest first; empty when none were imported.
Result<std::vector<std::string>> StatisticalNeighbours(store::Connection& db, std::string_view la_code);

// Whether any DfE figures have been imported.
Result<bool> HasPublished(store::Connection& db);

}  // namespace cairn::benchmarks
