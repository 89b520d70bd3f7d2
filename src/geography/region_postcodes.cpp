#include "geography/region_postcodes.h"

#include <algorithm>

namespace cairn::geography {

std::string PostcodeAsWritten(std::string_view normalised) {
  if (normalised.size() < 5) return std::string(normalised);
  std::string written(normalised.substr(0, normalised.size() - 3));
  written += ' ';
  written += normalised.substr(normalised.size() - 3);
  return written;
}

RegionPostcodeCollector::RegionPostcodeCollector(const LocalAuthorities& authorities, const Council& council)
    : council_(council) {
  for (const District& district : authorities.districts()) {
    const Council* holder = authorities.CouncilByOns(district.upper_tier);
    if (holder == nullptr) continue;
    if (holder->ons == council.ons) {
      own_district_[district.ons] = true;
    } else if (!council.region.empty() && holder->region == council.region) {
      own_district_[district.ons] = false;
    }
  }
  // A unitary council is its own district, whether or not the district list repeats it.
  own_district_[council.ons] = true;
}

void RegionPostcodeCollector::Add(const OnsPostcodeRow& row) {
  if (!row.easting || !row.northing || row.district.empty()) return;
  const auto found = own_district_.find(std::string(row.district));
  if (found == own_district_.end()) return;
  (found->second ? postcodes_.council : postcodes_.rest_of_region).push_back(PostcodeAsWritten(row.postcode));
}

Result<RegionPostcodeCollector> RegionPostcodeCollector::ForCouncil(std::string_view council_number) {
  CAIRN_ASSIGN_OR_RETURN(const LocalAuthorities* authorities, LocalAuthorities::Embedded());
  const Council* council = authorities->CouncilByNumber(council_number);
  if (council == nullptr) {
    return Status::InvalidArgument("no council in England has the LA number '" + std::string(council_number) +
                                   "' (data/geography/local-authorities.toml lists them)");
  }
  return RegionPostcodeCollector(*authorities, *council);
}

Result<RegionPostcodes> RegionPostcodeCollector::Finish(std::string_view source) && {
  if (postcodes_.council.empty()) {
    return Status::InvalidArgument(std::string(source) + " holds no postcode with a grid reference in " +
                                   council_.name + " (" + council_.ons +
                                   "): is it the ONS Postcode Directory for the UK?");
  }
  for (std::vector<std::string>* list : {&postcodes_.council, &postcodes_.rest_of_region}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return std::move(postcodes_);
}

Result<RegionPostcodes> ReadRegionPostcodes(const std::string& path, std::string_view council_number,
                                            const std::function<void(int64_t rows)>& progress) {
  CAIRN_ASSIGN_OR_RETURN(RegionPostcodeCollector collector, RegionPostcodeCollector::ForCouncil(council_number));
  OnsReadOptions options;
  options.progress = progress;
  CAIRN_RETURN_IF_ERROR(ReadOnsPostcodes(path, options, [&collector](const OnsPostcodeRow& row) {
                          collector.Add(row);
                          return Status::Ok();
                        }).status());
  return std::move(collector).Finish(path);
}

}  // namespace cairn::geography
