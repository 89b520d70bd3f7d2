#include "simulate/names.h"

#include <set>

#include "base/embedded.h"
#include "base/json_text.h"
#include "base/toml_text.h"

namespace cairn::simulate {
namespace {

constexpr std::string_view kBuiltInPath = "names/england.toml";

bool IsSeparator(char c) { return c == '\'' || c == '-' || c == ' '; }

// What is wrong with `name` as names.h describes a name, or "" when nothing is. Characters
// beyond ASCII pass as letters: the lists are written by people, not read from outside.
std::string ProblemWith(std::string_view name) {
  if (name.empty()) return "is empty";
  bool after_separator = true;  // a name may not start with one
  for (size_t i = 0; i < name.size();) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      const size_t length = Utf8SequenceLength(name, i);
      if (length == 0) return "is not UTF-8 text";
      i += length;
      after_separator = false;
      continue;
    }
    if (IsSeparator(name[i])) {
      if (i == 0) return "starts with " + QuoteText(name.substr(i, 1));
      if (after_separator) return "has two of ', - or space together";
      after_separator = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      return "holds " + (c < 0x20 || c == 0x7f ? std::string("a control character") : QuoteText(name.substr(i, 1))) +
             ", which no name has";
    } else {
      after_separator = false;
    }
    ++i;
  }
  if (after_separator) return "ends with " + QuoteText(name.substr(name.size() - 1));
  return "";
}

Result<std::vector<std::string>> ReadList(const TomlEntry& file, std::string_view field) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<std::string> names, file.RequiredStringList(field));
  const toml::array& items = *file.table().get(field)->as_array();
  std::set<std::string_view> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string problem = ProblemWith(names[i]);
    const std::string entry = "entry " + std::to_string(i + 1) + " " + QuoteText(names[i]);
    if (!problem.empty()) {
      return file.ErrorAt(LineOf(items[i]), field,
                          entry + ": " + problem + "; a name is letters, with ', - or one space between its parts.");
    }
    if (!seen.insert(names[i]).second) {
      return file.ErrorAt(LineOf(items[i]), field, entry + ": is in the list twice; name each name once.");
    }
  }
  if (names.size() < 2) {
    return file.Error(field, "needs two names or more, so a child's preferred name can differ from their given name.");
  }
  return names;
}

const std::vector<std::string>& GivenNamesFor(const NameLists& names, std::string_view sex, Rng& rng) {
  if (sex == "F") return names.female_given;
  if (sex == "M") return names.male_given;
  return rng.Chance(0.5) ? names.female_given : names.male_given;
}

const std::string& Pick(const std::vector<std::string>& list, Rng& rng) {
  return list[rng.Below(static_cast<uint32_t>(list.size()))];
}

}  // namespace

Result<NameLists> ParseNameLists(std::string_view toml_text, std::string_view source_name) {
  CAIRN_ASSIGN_OR_RETURN(const toml::table root, ParseToml(toml_text, source_name));
  const TomlEntry file(source_name, "name lists", root);
  CAIRN_RETURN_IF_ERROR(file.CheckKeys({"preferred_name_percent", "female_given", "male_given", "family"}));
  NameLists names;
  CAIRN_ASSIGN_OR_RETURN(const int preferred,
                         file.RequiredInteger("preferred_name_percent", 0, 100, "a whole percentage"));
  names.preferred_name_percent = preferred;
  CAIRN_ASSIGN_OR_RETURN(names.female_given, ReadList(file, "female_given"));
  CAIRN_ASSIGN_OR_RETURN(names.male_given, ReadList(file, "male_given"));
  CAIRN_ASSIGN_OR_RETURN(names.family, ReadList(file, "family"));
  return names;
}

Result<NameLists> LoadBuiltInNameLists() {
  const embedded::Resource* resource = embedded::Find(embedded::Data(), kBuiltInPath);
  if (resource == nullptr) return Status::Internal("data/names/england.toml is not compiled into this Cairn");
  return ParseNameLists(resource->text, "england.toml");
}

PersonName DrawChildName(const NameLists& names, std::string_view sex, Rng& rng) {
  const std::vector<std::string>& given = GivenNamesFor(names, sex, rng);
  PersonName name;
  const auto first = rng.Below(static_cast<uint32_t>(given.size()));
  name.given = given[first];
  name.family = Pick(names.family, rng);
  if (rng.Chance(names.preferred_name_percent / 100)) {
    // Any other name of the list, evenly: skip over the given name's place.
    auto other = rng.Below(static_cast<uint32_t>(given.size() - 1));
    if (other >= first) ++other;
    name.preferred = given[other];
  }
  return name;
}

std::string DrawWorkerName(const NameLists& names, Rng& rng) {
  const std::vector<std::string>& given = rng.Chance(0.5) ? names.female_given : names.male_given;
  std::string name = Pick(given, rng);
  return name + " " + Pick(names.family, rng);
}

}  // namespace cairn::simulate
