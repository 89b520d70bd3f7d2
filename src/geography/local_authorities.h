// England's councils with children's services and the local authority districts within them,
// from data/geography/local-authorities.toml (compiled into Cairn).
//
// A council is known by its DfE three-digit LA number ("343") and its ONS code ("E08000014").
// A district is a lower-tier local authority as the ONS Postcode Directory's laua column names
// it; its upper tier is the council that holds children's services there (a unitary, a
// metropolitan or London borough is its own upper tier; a shire district's is its county).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::geography {

struct Council {
  std::string number;  // DfE LA number, "343"
  std::string ons;     // ONS code, "E08000014"
  std::string name;    // "Sefton"
  std::string region;  // "North West"
  int last_reported = 0;  // the last collection year the council reported under these codes
};

struct District {
  std::string ons;         // ONS LTLA code, "E07000117"
  std::string name;        // "Burnley"
  std::string upper_tier;  // ONS UTLA code, "E10000017" (Lancashire)
};

class LocalAuthorities {
 public:
  // The list compiled into Cairn, parsed once. An Internal error if the build's copy is broken.
  static Result<const LocalAuthorities*> Embedded();
  // Parses the TOML text; errors name `source_name`, the line and the field.
  static Result<LocalAuthorities> Parse(std::string_view text, std::string_view source_name);

  const std::vector<Council>& councils() const { return councils_; }
  const std::vector<District>& districts() const { return districts_; }

  // nullptr when unknown. Codes are compared exactly (both are upper case in the data).
  const Council* CouncilByNumber(std::string_view number) const;
  const Council* CouncilByOns(std::string_view ons) const;
  const District* DistrictByOns(std::string_view ons) const;
  // The upper-tier authority of a district, or "" when the district is not known (Scottish and
  // Northern Irish districts, the Channel Islands and the Isle of Man are not in the list).
  std::string_view UpperTierOf(std::string_view district) const;

 private:
  std::vector<Council> councils_;
  std::vector<District> districts_;
  std::map<std::string, std::size_t, std::less<>> by_number_;
  std::map<std::string, std::size_t, std::less<>> by_ons_;
  std::map<std::string, std::size_t, std::less<>> district_by_ons_;
};

}  // namespace cairn::geography
