// Files compiled into the binary (see cmake/embed.cmake), so Cairn runs from its executable
// alone. Each resource set is a sorted list of {path relative to its folder, full text}.
#pragma once

#include <string_view>
#include <vector>

namespace cairn::embedded {

struct Resource {
  std::string_view path;  // e.g. "0001_initial.sql" or "calendar/england-and-wales.toml"
  std::string_view text;
};

// store/migrations/*.sql, sorted by file name.
const std::vector<Resource>& Migrations();
// data/**/*.toml: calendars, rules, code lists, profiles.
const std::vector<Resource>& Data();

// The resource at `path` in `set`, or nullptr.
const Resource* Find(const std::vector<Resource>& set, std::string_view path);

}  // namespace cairn::embedded
