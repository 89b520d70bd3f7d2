// Names for the synthetic council's children and workers, from data/names/england.toml (compiled
// into Cairn), so pages, exports and tests meet names as a council holds them, apostrophes,
// hyphens and accents included, without a real person's name anywhere.
//
// THE FILE
//   preferred_name_percent = 10          the chance a child has a preferred name, 0-100
//   female_given = ["Olivia", ...]       given names for children the simulator records as F
//   male_given = ["Noah", ...]           ... and as M (sex U draws from either, evenly)
//   family = ["Smith", "O'Brien", ...]   family names
//   Every key is required, unknown keys are errors, and every list holds at least two names.
//   A name is letters, with an apostrophe, a hyphen or one space between its parts: "O'Brien",
//   "Smith-Jones", "Zoë", "Da Silva". Every character beyond ASCII counts as a letter (telling
//   letters from symbols there needs Unicode tables Cairn does not carry); ASCII digits,
//   punctuation and control characters are refused. A list names each name once.
//
// ERRORS name the file, the line, the list and the entry: "england.toml line 40: name lists,
// field 'female_given': entry 12 'Ol  ivia': has two of ', - or space together; ...". TOML syntax
// errors name the line and column.
//
// DRAWING. Every name in a list is equally likely. The draws take an Rng of the caller's (the
// simulator gives each child and worker a stream of their own for names), so naming never
// shifts another draw.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "simulate/random.h"

namespace cairn::simulate {

struct NameLists {
  double preferred_name_percent = 0;
  std::vector<std::string> female_given;
  std::vector<std::string> male_given;
  std::vector<std::string> family;
};

// Reads and checks a names file; `source_name` names it in messages.
Result<NameLists> ParseNameLists(std::string_view toml_text, std::string_view source_name);
// data/names/england.toml, as compiled into Cairn.
Result<NameLists> LoadBuiltInNameLists();

struct PersonName {
  std::string given;
  std::string family;
  std::string preferred;  // empty, or a given name other than `given`
};

// A child's name, for the sex as the simulator records it ("F", "M"; anything else draws the
// given name from either list, evenly). With the file's preferred_name_percent chance the child
// also has a preferred name: another name from the same given-name list. `names` must come from
// ParseNameLists (every list holds two names or more).
PersonName DrawChildName(const NameLists& names, std::string_view sex, Rng& rng);

// A worker's "Given Family": the given name from either list, evenly.
std::string DrawWorkerName(const NameLists& names, Rng& rng);

}  // namespace cairn::simulate
