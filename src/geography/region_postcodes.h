// Real postcodes for the simulator's made-up children: those of one council's own area (home
// addresses and placements in area) and of the rest of its region (placements out of area), from
// the ONS Postcode Directory. With them a simulated council's SSDA903 names postcodes that exist,
// so the DfE's postcode rules (placement authority, location and distance) can pass on it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "geography/local_authorities.h"
#include "geography/postcode_directory.h"

namespace cairn::geography {

// Each list sorted and written as an address shows the postcode ("L20 1AA"): neighbours in a
// list are mostly neighbours on the ground (the same sector).
struct RegionPostcodes {
  std::vector<std::string> council;         // the council's own districts
  std::vector<std::string> rest_of_region;  // every other council's in the same region
};

// "L201AA" (NormalisePostcode) as an address writes it, "L20 1AA": the inward code is always
// the last three characters. Shorter text is returned as it is.
std::string PostcodeAsWritten(std::string_view normalised);

// Sorts rows of the ONS file into the council's own postcodes and the rest of its region's,
// keeping only postcodes with a grid reference (a placement's distance needs one).
class RegionPostcodeCollector {
 public:
  RegionPostcodeCollector(const LocalAuthorities& authorities, const Council& council);
  // The collector for the council whose DfE LA number is `council_number` (Cairn's own list of
  // councils), or an error naming a number Cairn does not know.
  static Result<RegionPostcodeCollector> ForCouncil(std::string_view council_number);

  void Add(const OnsPostcodeRow& row);
  // The lists; an error when the council's own is empty (the rows held none of its area).
  Result<RegionPostcodes> Finish(std::string_view source) &&;
  const Council& council() const { return council_; }

 private:
  Council council_;
  // District ONS code -> true for the council's own, false for the rest of the region.
  std::unordered_map<std::string, bool> own_district_;
  RegionPostcodes postcodes_;
};

// Reads the ONS file at `path` (plain or gzip; geography/postcode_directory.h) for the council
// whose DfE LA number is `council_number`. Errors: a number Cairn does not know, the file's own
// (naming its line and field), and a file holding no postcode of the council's area (another
// country's file, or a cut-down extract). `progress` hears the rows read, as the import does.
// (store/postcode_store.h reads the same lists from a directory already imported.)
Result<RegionPostcodes> ReadRegionPostcodes(const std::string& path, std::string_view council_number,
                                            const std::function<void(int64_t rows)>& progress = {});

}  // namespace cairn::geography
