// Small helpers for reading Cairn's TOML data files with messages that name the file and line.
// toml++ reports syntax errors by exception; ParseToml is the edge where they become a Status.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace cairn {

// "file line 12, column 3: this is not valid TOML: ..." on a syntax error.
Result<toml::table> ParseToml(std::string_view text, std::string_view source_name);

inline uint32_t LineOf(const toml::node& node) { return node.source().begin.line; }

// How a value reads in a message: 'text', the number 3, a list, a table, ...
std::string DescribeTomlValue(const toml::node& node);

// 'text', in single quotes, as messages quote names and values.
std::string QuoteText(std::string_view text);

// "a", "a or b", "a, b or c".
std::string JoinWithOr(std::initializer_list<std::string_view> names);

// One table of a data file (a [[rule]], a [[holiday]], an [[indicator]], [settings], ...) and
// how to report a problem with it. Every error is kInvalidArgument and reads
//   "FILE line N: LABEL, field 'F': problem"
// where N is the line of the field when it is present, else the line of the table; without a
// field, "FILE line N: LABEL: problem". The entry keeps references: `source` and `table` must
// outlive it.
class TomlEntry {
 public:
  TomlEntry(std::string_view source, std::string label, const toml::table& table)
      : source_(source), label_(std::move(label)), table_(&table) {}

  const std::string& label() const { return label_; }
  // The label once the entry's name is known ("rule 3" becomes "rule 'cp.visit'").
  void set_label(std::string label) { label_ = std::move(label); }
  const toml::table& table() const { return *table_; }
  uint32_t line() const { return LineOf(*table_); }

  Status Error(std::string_view field, std::string_view problem) const;
  Status ErrorAt(uint32_t line, std::string_view field, std::string_view problem) const;

  // The first key of `table` not in `allowed` (in the table's order), or null.
  static const toml::key* FirstUnknownKey(const toml::table& table, std::initializer_list<std::string_view> allowed);
  // Refuses a key not in `allowed`, at the key's line: "LABEL, field 'K': there is no such field;
  // use a, b or c." or, given an owner, "LABEL, field 'K': OWNER has no such field; use ...",
  // e.g. owner "an 'easter' holiday".
  Status CheckKeys(std::initializer_list<std::string_view> allowed, std::string_view owner = "") const;

  // Text in double quotes, not empty; nullopt when the field is absent.
  Result<std::optional<std::string>> OptionalString(std::string_view field) const;
  // The same, present: "is missing; HINT" otherwise (hint a whole sentence, e.g. "give a date.").
  Result<std::string> RequiredString(std::string_view field, std::string_view hint) const;
  // true or false; nullopt when absent.
  Result<std::optional<bool>> OptionalBool(std::string_view field) const;
  // A whole number from `min` to `max` inclusive; `what` words it in messages ("must be a month
  // number between 1 and 12, not 'May'."). nullopt when absent.
  Result<std::optional<int>> OptionalInteger(std::string_view field, int min, int max,
                                             std::string_view what = "a whole number") const;
  Result<int> RequiredInteger(std::string_view field, int min, int max, std::string_view what = "a whole number") const;
  // A list of text values (`node` is the field's value); an empty list is allowed.
  Result<std::vector<std::string>> StringList(std::string_view field, const toml::node& node) const;
  // The same for a field that must be present.
  Result<std::vector<std::string>> RequiredStringList(std::string_view field) const;

 private:
  std::string_view source_;
  std::string label_;
  const toml::table* table_;
};

}  // namespace cairn
