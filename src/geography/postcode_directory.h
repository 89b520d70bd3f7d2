// The ONS Postcode Directory, as much of it as Cairn needs: for each postcode, the local
// authority district it lies in and its OS grid reference. The SSDA903 rules on a placement's
// authority and distance (PL_LA, PL_LOCATION, PL_DISTANCE) and the indicator of children placed
// more than 20 miles from home read it.
//
// The file is the ONS's CSV (the ONSPD, the NSPL, or an extract of either), plain or gzip
// compressed (told apart by its first bytes, not its name). Its header names the columns; Cairn
// reads pcd (the postcode), oseast1m and osnrth1m (easting and northing, metres; blank where the
// ONS gives none) and laua (the district's ONS code; the ONSPD calls it oslaua), in any order,
// and ignores the others. Fields may be quoted ("AB1 0AA"). A district written "nan" or left
// blank is unknown, as it is for postcodes the ONS has no grid reference for.
//
// Postcodes are compared as the DfE's SSDA903 validator compares them: upper-cased, with every
// space removed ("l20 3aa" and "L203AA" are "L20 3AA").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace cairn::geography {

// "l20 3aa" -> "L203AA": upper case (ASCII), spaces removed.
std::string NormalisePostcode(std::string_view postcode);

struct PostcodeEntry {
  std::string district;            // ONS code of the local authority district ("E08000014"); "" unknown
  std::optional<int32_t> easting;  // OS grid reference, metres
  std::optional<int32_t> northing;
};

// Straight-line distance in miles between two grid references, as the DfE's SSDA903 guidance
// computes it: sqrt(dE^2 + dN^2) / 1000 / 1.6093. Not rounded.
double DistanceInMiles(int32_t from_easting, int32_t from_northing, int32_t to_easting, int32_t to_northing);

// Postcodes by their normalised form. Holds the few thousand a return needs, or the whole
// country (about 2.7 million, some 300 MB).
class PostcodeDirectory {
 public:
  // Adds or replaces; `postcode` is normalised here.
  void Add(std::string_view postcode, PostcodeEntry entry);
  // nullptr when the postcode is not in the directory (`postcode` is normalised here).
  const PostcodeEntry* Find(std::string_view postcode) const;
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // Miles between two postcodes' grid references; nullopt when either postcode is not in the
  // directory or has no grid reference.
  std::optional<double> MilesBetween(std::string_view from, std::string_view to) const;

 private:
  std::unordered_map<std::string, PostcodeEntry> entries_;
};

// One row of the ONS file as read. The views are valid only during the callback.
struct OnsPostcodeRow {
  std::string_view postcode;  // normalised
  std::string_view district;  // "" when unknown
  std::optional<int32_t> easting;
  std::optional<int32_t> northing;
  int64_t line = 0;  // 1-based line of the file
};

struct OnsReadOptions {
  // Normalised postcodes to keep; null keeps every one.
  const std::set<std::string, std::less<>>* wanted = nullptr;
  // Called every `progress_every` data rows with the count so far (not called when empty).
  std::function<void(int64_t rows)> progress;
  int64_t progress_every = 500000;
};

// Reads the ONS CSV at `path` (plain or gzip), calling `row` for each postcode kept, in file
// order; a row callback's error stops the read and is returned. Returns the number of data rows
// read (kept or not). Errors name the file and, for a malformed row, its line and field: a
// header without pcd, oseast1m, osnrth1m or laua; a row with the wrong number of fields, an
// empty postcode, a grid reference that is not a whole number of metres from 0 to 9,999,999,
// an unclosed quote; a damaged gzip stream.
Result<int64_t> ReadOnsPostcodes(const std::string& path, const OnsReadOptions& options,
                                 const std::function<Status(const OnsPostcodeRow&)>& row);

// The same for text in memory (uncompressed); `name` names it in messages.
Result<int64_t> ReadOnsPostcodeText(std::string_view text, std::string_view name, const OnsReadOptions& options,
                                    const std::function<Status(const OnsPostcodeRow&)>& row);

// The directory of the postcodes in `wanted` (every postcode when null) read from the file.
Result<PostcodeDirectory> LoadPostcodeDirectory(const std::string& path,
                                                const std::set<std::string, std::less<>>* wanted = nullptr);

}  // namespace cairn::geography
