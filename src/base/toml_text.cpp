#include "base/toml_text.h"

namespace cairn {

Result<toml::table> ParseToml(std::string_view text, std::string_view source_name) {
  try {
    return toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(std::string(source_name) + " line " + std::to_string(error.source().begin.line) +
                                   ", column " + std::to_string(error.source().begin.column) +
                                   ": this is not valid TOML: " + std::string(error.description()) + ".");
  }
}

std::string DescribeTomlValue(const toml::node& node) {
  if (const auto* text = node.as_string()) return "'" + text->get() + "'";
  if (node.is_integer()) return "the number " + std::to_string(node.as_integer()->get());
  if (node.is_floating_point()) return "a decimal number";
  if (node.is_boolean()) return node.as_boolean()->get() ? "true" : "false";
  if (node.is_date()) return "a date";
  if (node.is_date_time()) return "a date and time";
  if (node.is_time()) return "a time";
  if (node.is_array()) return "a list";
  return "a table";
}

}  // namespace cairn
