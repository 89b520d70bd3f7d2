#include "geography/local_authorities.h"

#include <fmt/format.h>

#include "base/embedded.h"
#include "base/toml_text.h"

namespace cairn::geography {
namespace {

bool IsOnsCode(std::string_view code) {
  return code.size() == 9 && code[0] >= 'A' && code[0] <= 'Z' &&
         code.substr(1).find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

Result<LocalAuthorities> LocalAuthorities::Parse(std::string_view text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, source_name));
  LocalAuthorities result;
  if (const toml::array* council_list = root["council"].as_array()) {
    std::size_t index = 0;
    for (const toml::node& node : *council_list) {
      ++index;
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TomlEntry entry(source_name, fmt::format("council {}", index), *table);
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"number", "ons", "name", "region", "last_reported"}));
      Council council;
      CAIRN_ASSIGN_OR_RETURN(council.number, entry.RequiredString("number", "give the DfE's three-digit LA number."));
      entry.set_label(fmt::format("council {}", council.number));
      if (council.number.size() != 3 || council.number.find_first_not_of("0123456789") != std::string::npos) {
        return entry.Error("number", "must be three digits, as the DfE numbers councils (\"343\").");
      }
      CAIRN_ASSIGN_OR_RETURN(council.ons, entry.RequiredString("ons", "give the council's ONS code (\"E08000014\")."));
      if (!IsOnsCode(council.ons)) return entry.Error("ons", "must be an ONS code: a letter and eight digits.");
      CAIRN_ASSIGN_OR_RETURN(council.name, entry.RequiredString("name", "give the council's name."));
      CAIRN_ASSIGN_OR_RETURN(auto region, entry.OptionalString("region"));
      council.region = region.value_or("");
      CAIRN_ASSIGN_OR_RETURN(auto last, entry.OptionalInteger("last_reported", 2000, 2100, "a collection year"));
      council.last_reported = last.value_or(0);
      if (result.by_number_.count(council.number) != 0) {
        return entry.Error("number", "is given to two councils; each LA number names one council.");
      }
      result.by_number_.emplace(council.number, result.councils_.size());
      // A council that reported under an ONS code another later council took over keeps its number;
      // the ONS code finds the first listed.
      result.by_ons_.emplace(council.ons, result.councils_.size());
      result.councils_.push_back(std::move(council));
    }
  }
  if (const toml::array* district_list = root["district"].as_array()) {
    std::size_t index = 0;
    for (const toml::node& node : *district_list) {
      ++index;
      const toml::table* table = node.as_table();
      if (table == nullptr) continue;
      TomlEntry entry(source_name, fmt::format("district {}", index), *table);
      CAIRN_RETURN_IF_ERROR(entry.CheckKeys({"ons", "name", "upper_tier"}));
      District district;
      CAIRN_ASSIGN_OR_RETURN(district.ons, entry.RequiredString("ons", "give the district's ONS code."));
      entry.set_label(fmt::format("district {}", district.ons));
      if (!IsOnsCode(district.ons)) return entry.Error("ons", "must be an ONS code: a letter and eight digits.");
      CAIRN_ASSIGN_OR_RETURN(district.name, entry.RequiredString("name", "give the district's name."));
      CAIRN_ASSIGN_OR_RETURN(district.upper_tier,
                             entry.RequiredString("upper_tier", "give the ONS code of its upper-tier authority."));
      if (!IsOnsCode(district.upper_tier)) {
        return entry.Error("upper_tier", "must be an ONS code: a letter and eight digits.");
      }
      if (result.district_by_ons_.count(district.ons) != 0) {
        return entry.Error("ons", "is listed twice; each district is listed once.");
      }
      result.district_by_ons_.emplace(district.ons, result.districts_.size());
      result.districts_.push_back(std::move(district));
    }
  }
  return result;
}

Result<const LocalAuthorities*> LocalAuthorities::Embedded() {
  // Parsed once, on first use (thread-safe static initialisation).
  static const Result<LocalAuthorities> parsed = []() -> Result<LocalAuthorities> {
    constexpr std::string_view kPath = "geography/local-authorities.toml";
    const embedded::Resource* resource = embedded::Find(embedded::Data(), kPath);
    if (resource == nullptr) {
      return Status::Internal(
          "the list of local authorities (data/geography/local-authorities.toml) is missing from this build of Cairn");
    }
    Result<LocalAuthorities> list = Parse(resource->text, "data/geography/local-authorities.toml");
    if (!list.ok()) {
      return Status::Internal("the list of local authorities built into Cairn is broken: " + list.status().message());
    }
    return list;
  }();
  if (!parsed.ok()) return parsed.status();
  return &parsed.value();
}

const Council* LocalAuthorities::CouncilByNumber(std::string_view number) const {
  auto found = by_number_.find(number);
  return found == by_number_.end() ? nullptr : &councils_[found->second];
}

const Council* LocalAuthorities::CouncilByOns(std::string_view ons) const {
  auto found = by_ons_.find(ons);
  return found == by_ons_.end() ? nullptr : &councils_[found->second];
}

const District* LocalAuthorities::DistrictByOns(std::string_view ons) const {
  auto found = district_by_ons_.find(ons);
  return found == district_by_ons_.end() ? nullptr : &districts_[found->second];
}

std::string_view LocalAuthorities::UpperTierOf(std::string_view district) const {
  const District* found = DistrictByOns(district);
  return found == nullptr ? std::string_view() : std::string_view(found->upper_tier);
}

}  // namespace cairn::geography
