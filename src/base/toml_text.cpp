#include "base/toml_text.h"

#include <algorithm>

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

std::string QuoteText(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string JoinWithOr(std::initializer_list<std::string_view> names) {
  std::string joined;
  size_t i = 0;
  for (std::string_view name : names) {
    joined += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + std::string(name);
    ++i;
  }
  return joined;
}

Status TomlEntry::Error(std::string_view field, std::string_view problem) const {
  const toml::node* node = field.empty() ? nullptr : table_->get(field);
  return ErrorAt(node != nullptr ? LineOf(*node) : line(), field, problem);
}

Status TomlEntry::ErrorAt(uint32_t line, std::string_view field, std::string_view problem) const {
  std::string message = std::string(source_) + " line " + std::to_string(line) + ": " + label_;
  if (!field.empty()) message += ", field " + QuoteText(field);
  return Status::InvalidArgument(message + ": " + std::string(problem));
}

const toml::key* TomlEntry::FirstUnknownKey(const toml::table& table,
                                            std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) return &key;
  }
  return nullptr;
}

Status TomlEntry::CheckKeys(std::initializer_list<std::string_view> allowed, std::string_view owner) const {
  const toml::key* key = FirstUnknownKey(*table_, allowed);
  if (key == nullptr) return Status::Ok();
  const std::string who = owner.empty() ? "there is" : std::string(owner) + " has";
  return ErrorAt(key->source().begin.line, key->str(), who + " no such field; use " + JoinWithOr(allowed) + ".");
}

Result<std::optional<std::string>> TomlEntry::OptionalString(std::string_view field) const {
  const toml::node* node = table_->get(field);
  if (node == nullptr) return std::optional<std::string>();
  const auto* text = node->as_string();
  if (text == nullptr) return Error(field, "must be text in double quotes, not " + DescribeTomlValue(*node) + ".");
  if (text->get().empty()) return Error(field, "is empty.");
  return std::optional<std::string>(text->get());
}

Result<std::string> TomlEntry::RequiredString(std::string_view field, std::string_view hint) const {
  CAIRN_ASSIGN_OR_RETURN(std::optional<std::string> text, OptionalString(field));
  if (!text) return Error(field, "is missing; " + std::string(hint));
  return *text;
}

Result<std::optional<bool>> TomlEntry::OptionalBool(std::string_view field) const {
  const toml::node* node = table_->get(field);
  if (node == nullptr) return std::optional<bool>();
  if (!node->is_boolean()) return Error(field, "must be true or false, not " + DescribeTomlValue(*node) + ".");
  return std::optional<bool>(node->as_boolean()->get());
}

Result<std::optional<int>> TomlEntry::OptionalInteger(std::string_view field, int min, int max,
                                                      std::string_view what) const {
  const toml::node* node = table_->get(field);
  if (node == nullptr) return std::optional<int>();
  const auto* number = node->as_integer();
  const std::string range = std::string(what) + " between " + std::to_string(min) + " and " + std::to_string(max);
  if (number == nullptr) return Error(field, "must be " + range + ", not " + DescribeTomlValue(*node) + ".");
  if (number->get() < min || number->get() > max) {
    return Error(field, std::to_string(number->get()) + " is not " + range + ".");
  }
  return std::optional<int>(static_cast<int>(number->get()));
}

Result<int> TomlEntry::RequiredInteger(std::string_view field, int min, int max, std::string_view what) const {
  CAIRN_ASSIGN_OR_RETURN(std::optional<int> number, OptionalInteger(field, min, max, what));
  if (!number) {
    return Error(field, "is missing; give " + std::string(what) + " between " + std::to_string(min) + " and " +
                            std::to_string(max) + ".");
  }
  return *number;
}

Result<std::vector<std::string>> TomlEntry::StringList(std::string_view field, const toml::node& node) const {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return Error(field, "must be a list of text values such as [\"V3\", \"V4\"], not " + DescribeTomlValue(node) + ".");
  }
  std::vector<std::string> values;
  for (const toml::node& item : *array) {
    const auto* text = item.as_string();
    if (text == nullptr) {
      return Error(field, "every item must be text in double quotes; " + DescribeTomlValue(item) + " is not.");
    }
    values.push_back(text->get());
  }
  return values;
}

Result<std::vector<std::string>> TomlEntry::RequiredStringList(std::string_view field) const {
  const toml::node* node = table_->get(field);
  if (node == nullptr) return Error(field, "is missing; give a list such as [\"V3\", \"V4\"].");
  return StringList(field, *node);
}

}  // namespace cairn
