// Small helpers for reading Cairn's TOML data files with messages that name the file and line.
// toml++ reports syntax errors by exception; ParseToml is the edge where they become a Status.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn {

// "file line 12, column 3: this is not valid TOML: ..." on a syntax error.
Result<toml::table> ParseToml(std::string_view text, std::string_view source_name);

inline uint32_t LineOf(const toml::node& node) { return node.source().begin.line; }

// How a value reads in a message: 'text', the number 3, a list, a table, ...
std::string DescribeTomlValue(const toml::node& node);

}  // namespace cairn
