// The `postcode` table: the ONS Postcode Directory imported into a Cairn database, so that
// validating the record (`cairn validate --db`) and the placement-distance indicator need no file.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "base/status.h"
#include "geography/postcode_directory.h"
#include "store/database.h"

namespace cairn::store {

struct PostcodeImport {
  int64_t rows = 0;            // data rows of the file
  int64_t with_grid = 0;       // of them, with a grid reference
  int64_t with_district = 0;   // of them, with a district
};

// Replaces every postcode in the database with those of the ONS CSV at `path` (plain or gzip;
// geography/postcode_directory.h), in one transaction: a malformed row, a postcode given twice
// or any failure leaves the table as it was, and the error names the file and line. `progress`
// hears the count of rows read every 500,000 rows. PostgreSQL receives the rows by COPY.
Result<PostcodeImport> ImportPostcodes(Connection& db, const std::string& path,
                                       const std::function<void(int64_t rows)>& progress);

// How many postcodes the database holds (0 before any import).
Result<int64_t> CountPostcodes(Connection& db);

// The directory of those of `postcodes` (normalised, geography::NormalisePostcode) the database
// holds; the others are simply absent.
Result<geography::PostcodeDirectory> LookUpPostcodes(Connection& db, const std::set<std::string, std::less<>>& postcodes);

// Hands every postcode with a grid reference to `row` (normalised; district "" when unknown; line
// 0), in no particular order: for drawing the simulator's postcodes from the directory imported
// (geography::RegionPostcodeCollector) rather than reading the file again.
Status ForEachPostcodeWithGrid(Connection& db, const std::function<void(const geography::OnsPostcodeRow&)>& row);

}  // namespace cairn::store
